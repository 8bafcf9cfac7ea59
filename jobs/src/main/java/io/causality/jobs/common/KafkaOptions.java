package io.causality.jobs.common;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options every job reading events from Kafka shares; each job adds its own group id. */
public final class KafkaOptions {
    private KafkaOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription("Kafka brokers.");

    public static final ConfigOption<String> EVENTS_TOPIC =
            ConfigOptions.key("kafka.events-topic")
                    .stringType()
                    .defaultValue("causality.events")
                    .withDescription("Topic the events are read from.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("kafka.dlq-topic")
                    .stringType()
                    .defaultValue("causality.events.dlq")
                    .withDescription("Topic for records the job cannot process, with the reason.");
}
