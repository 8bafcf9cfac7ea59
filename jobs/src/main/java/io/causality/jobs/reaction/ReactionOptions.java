package io.causality.jobs.reaction;

import io.causality.jobs.common.Deduplicator;
import io.causality.jobs.common.KafkaOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Everything the reaction job can be told, with defaults; read from the job's arguments. */
public final class ReactionOptions {
    private ReactionOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = KafkaOptions.BOOTSTRAP_SERVERS;
    public static final ConfigOption<String> EVENTS_TOPIC = KafkaOptions.EVENTS_TOPIC;
    public static final ConfigOption<String> DLQ_TOPIC = KafkaOptions.DLQ_TOPIC;

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("causality-reaction")
                    .withDescription(
                            "Consumer group of the events; offsets are committed on checkpoints.");

    public static final ConfigOption<String> RULES_TOPIC =
            ConfigOptions.key("kafka.rules-topic")
                    .stringType()
                    .defaultValue("causality.rules")
                    .withDescription(
                            "Compacted topic of deployed rules (key: rule name); read from the start.");

    public static final ConfigOption<String> MATCHES_TOPIC =
            ConfigOptions.key("kafka.matches-topic")
                    .stringType()
                    .defaultValue("causality.rule-matches")
                    .withDescription("Audit topic: one record per match.");

    public static final ConfigOption<String> ACTIONS_TOPIC =
            ConfigOptions.key("kafka.actions-topic")
                    .stringType()
                    .defaultValue("causality.actions")
                    .withDescription("One record per action of a match, for delivery.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("causality-reaction")
                    .withDescription(
                            "Prefix of the Kafka transactions of the exactly-once sinks; unique per job.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How far an event's own time may lie behind the newest Kafka record"
                                    + " time and still join a sequence: at least as long as clients"
                                    + " hold events before sending them (SDKs flush every 10 to 30"
                                    + " s). Sequence matches come this much after their last event;"
                                    + " older events are counted as late for sequences.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A partition without records for this long lets event time follow the"
                                    + " wall clock, so that sequences complete and absences fire on"
                                    + " a quiet system.");

    public static final ConfigOption<Duration> DEDUP_TTL = Deduplicator.TTL;

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Matches and actions become visible to read_committed readers at each checkpoint.");
}
