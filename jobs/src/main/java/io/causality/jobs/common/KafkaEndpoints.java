package io.causality.jobs.common;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka sources and sinks, as every job builds them. */
public final class KafkaEndpoints {
    /**
     * A transaction stays open from one checkpoint to the next; brokers refuse timeouts above their
     * transaction.max.timeout.ms (15 min by default), and the sink's own default is 1 h.
     */
    static final String TRANSACTION_TIMEOUT_MS =
            Long.toString(java.time.Duration.ofMinutes(10).toMillis());

    private KafkaEndpoints() {}

    /** Committed offsets of the group, the earliest on its first start; committed records only. */
    public static KafkaSource<RawRecord> eventSource(KafkaSettings kafka) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.eventsTopic())
                .setGroupId(kafka.groupId())
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        // At least once: after a failure a dead letter may be written twice, never lost.
        return atLeastOnce(kafka, new DeadLetterSerializer(kafka.dlqTopic()));
    }

    /** At least once: for records a repeat does no harm to (dead letters, statuses). */
    public static <T> KafkaSink<T> atLeastOnce(
            KafkaSettings kafka, KafkaRecordSerializationSchema<T> records) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * Exactly once: records are written in a transaction per checkpoint, committed when it
     * completes; each sink of a job needs its own transactional id prefix.
     */
    public static <T> KafkaSink<T> exactlyOnce(
            KafkaSettings kafka,
            KafkaRecordSerializationSchema<T> records,
            String transactionalIdPrefix) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }
}
