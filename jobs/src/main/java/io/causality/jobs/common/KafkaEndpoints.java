package io.causality.jobs.common;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka source of events and the dead-letter sink, as every job builds them. */
public final class KafkaEndpoints {
    private KafkaEndpoints() {}

    /** Committed offsets of the group, the earliest on its first start; committed records only. */
    public static KafkaSource<RawRecord> eventSource(Configuration config, String groupId) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(config.get(KafkaOptions.EVENTS_TOPIC))
                .setGroupId(groupId)
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetterSink(Configuration config) {
        // At least once: after a failure a dead letter may be written twice, never lost.
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(new DeadLetterSerializer(config.get(KafkaOptions.DLQ_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
