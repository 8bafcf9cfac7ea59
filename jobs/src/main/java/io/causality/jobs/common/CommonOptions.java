package io.causality.jobs.common;

import io.causality.contracts.OptionKeys;
import io.causality.contracts.Topics;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options every job reading events from Kafka shares; each job adds its own. */
public final class CommonOptions {
    private CommonOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key(OptionKeys.KAFKA_BOOTSTRAP_SERVERS)
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription("Kafka brokers.");

    public static final ConfigOption<String> EVENTS_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_EVENTS_TOPIC)
                    .stringType()
                    .defaultValue(Topics.EVENTS)
                    .withDescription("Topic the events are read from.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_DLQ_TOPIC)
                    .stringType()
                    .defaultValue(Topics.EVENTS_DLQ)
                    .withDescription("Topic for records the job cannot process, with the reason.");

    public static final ConfigOption<Duration> DEDUP_TTL =
            ConfigOptions.key(OptionKeys.DEDUP_TTL)
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription(
                            "How long an (app, event id) is remembered to drop its duplicates.");

    /**
     * The name the job runs under: its {@code JobNames} constant unless a second run of the same
     * job beside it (over the same input, to other topics) needs another.
     */
    public static String jobName(org.apache.flink.configuration.Configuration conf, String name) {
        return conf.get(
                ConfigOptions.key(OptionKeys.JOB_NAME)
                        .stringType()
                        .defaultValue(name)
                        .withDescription("The name the job runs under on the cluster."));
    }

    /** A job's consumer group; each job has its own default. */
    public static ConfigOption<String> groupId(String defaultGroup) {
        return ConfigOptions.key(OptionKeys.KAFKA_GROUP_ID)
                .stringType()
                .defaultValue(defaultGroup)
                .withDescription(
                        "Consumer group; offsets are committed on checkpoints, earliest on first start.");
    }
}
