package io.causality.jobs.anomaly;

import io.causality.contracts.OptionKeys;
import io.causality.contracts.Topics;
import io.causality.jobs.common.CommonOptions;
import io.causality.jobs.reaction.ReactionOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The anomaly job's options; those it shares with the reaction job are the same options. */
public final class AnomalyOptions {
    public static final ConfigOption<String> GROUP_ID = CommonOptions.groupId("causality-anomaly");
    public static final ConfigOption<String> RULES_TOPIC = ReactionOptions.RULES_TOPIC;
    public static final ConfigOption<String> ACTIONS_TOPIC = ReactionOptions.ACTIONS_TOPIC;
    public static final ConfigOption<Duration> DEDUP_TTL = CommonOptions.DEDUP_TTL;
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ReactionOptions.OUT_OF_ORDERNESS;
    public static final ConfigOption<Duration> IDLENESS = ReactionOptions.IDLENESS;

    public static final ConfigOption<String> ANOMALIES_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_ANOMALIES_TOPIC)
                    .stringType()
                    .defaultValue(Topics.ANOMALIES)
                    .withDescription(
                            "Audit topic: one record per state change of a detector's group.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key(OptionKeys.KAFKA_TRANSACTIONAL_ID_PREFIX)
                    .stringType()
                    .defaultValue("causality-anomaly")
                    .withDescription(
                            "Prefix of the Kafka transactions of the exactly-once sinks; unique per job.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key(OptionKeys.CHECKPOINT_INTERVAL)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "Anomalies and their actions become visible at each checkpoint; windows"
                                    + " of a minute or more make a few seconds unnoticeable.");

    public static final ConfigOption<Duration> GROUP_EXPIRY =
            ConfigOptions.key(OptionKeys.ANOMALY_GROUP_EXPIRY)
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription(
                            "The shortest time a group that sends nothing is kept (longer for long"
                                    + " windows, no-data alerts and seasons); then it is forgotten,"
                                    + " a firing one resolved first.");

    private AnomalyOptions() {}
}
