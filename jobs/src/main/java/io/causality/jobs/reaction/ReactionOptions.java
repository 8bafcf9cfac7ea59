package io.causality.jobs.reaction;

import io.causality.contracts.OptionKeys;
import io.causality.contracts.Topics;
import io.causality.jobs.common.CommonOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Everything the reaction job can be told, with defaults; read by {@link ReactionSettings}. */
public final class ReactionOptions {
    private ReactionOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = CommonOptions.BOOTSTRAP_SERVERS;
    public static final ConfigOption<String> EVENTS_TOPIC = CommonOptions.EVENTS_TOPIC;
    public static final ConfigOption<String> DLQ_TOPIC = CommonOptions.DLQ_TOPIC;
    public static final ConfigOption<String> GROUP_ID = CommonOptions.groupId("causality-reaction");
    public static final ConfigOption<Duration> DEDUP_TTL = CommonOptions.DEDUP_TTL;

    public static final ConfigOption<String> RULES_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_RULES_TOPIC)
                    .stringType()
                    .defaultValue(Topics.RULES)
                    .withDescription(
                            "Compacted topic of deployed rules (key: rule name); read from the start.");

    public static final ConfigOption<String> RULE_STATUS_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_RULE_STATUS_TOPIC)
                    .stringType()
                    .defaultValue(Topics.RULE_STATUS)
                    .withDescription(
                            "Compacted topic where the job says which rules it suspended or refused, and why.");

    public static final ConfigOption<String> MATCHES_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_MATCHES_TOPIC)
                    .stringType()
                    .defaultValue(Topics.RULE_MATCHES)
                    .withDescription("Audit topic: one record per match.");

    public static final ConfigOption<String> ACTIONS_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_ACTIONS_TOPIC)
                    .stringType()
                    .defaultValue(Topics.ACTIONS)
                    .withDescription("One record per action of a match, for delivery.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key(OptionKeys.KAFKA_TRANSACTIONAL_ID_PREFIX)
                    .stringType()
                    .defaultValue("causality-reaction")
                    .withDescription(
                            "Prefix of the Kafka transactions of the exactly-once sinks; unique per job.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key(OptionKeys.WATERMARK_OUT_OF_ORDERNESS)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How far an event's own time may lie behind the newest Kafka record"
                                    + " time and still join a sequence: at least as long as clients"
                                    + " hold events before sending them (SDKs flush every 10 to 30"
                                    + " s). Sequence matches come this much after their last event;"
                                    + " older events are counted as late for sequences.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key(OptionKeys.WATERMARK_IDLENESS)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A partition without records for this long lets event time follow the"
                                    + " wall clock, so that sequences complete and absences fire on"
                                    + " a quiet system.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key(OptionKeys.CHECKPOINT_INTERVAL)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "Matches and actions become visible to read_committed readers at each"
                                    + " checkpoint, so this bounds how soon a webhook can go: 1 s"
                                    + " keeps ingest-to-webhook under 2 s at p99 on the local stack"
                                    + " (docs/delivery.md).");

    public static final ConfigOption<Integer> SUSPEND_AFTER_ERRORS =
            ConfigOptions.key(OptionKeys.RULES_SUSPEND_AFTER_ERRORS)
                    .intType()
                    .defaultValue(RuleLimits.DEFAULT.suspendAfterErrors())
                    .withDescription(
                            "A rule that fails on more events than this within"
                                    + " rules.suspend-window is suspended until it is deployed again.");

    public static final ConfigOption<Duration> SUSPEND_WINDOW =
            ConfigOptions.key(OptionKeys.RULES_SUSPEND_WINDOW)
                    .durationType()
                    .defaultValue(RuleLimits.DEFAULT.suspendWindow())
                    .withDescription("The window rules.suspend-after-errors counts in.");

    public static final ConfigOption<Duration> STARTUP_WAIT =
            ConfigOptions.key(OptionKeys.RULES_STARTUP_WAIT)
                    .durationType()
                    .defaultValue(RuleLimits.DEFAULT.startupWait())
                    .withDescription(
                            "At most this long, events wait at start until the rules topic has"
                                    + " been read, and the sequence matcher for a rule it has not"
                                    + " received yet.");
}
