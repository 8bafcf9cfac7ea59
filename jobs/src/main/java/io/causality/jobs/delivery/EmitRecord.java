package io.causality.jobs.delivery;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An {@code emit "topic"} action on its way to its topic: the action as the reaction job wrote it,
 * keyed by app so that one app's records stay in order. A POJO for Flink's serialiser.
 */
public class EmitRecord {
    public String topic;
    public String appId;
    public byte[] value;

    public EmitRecord() {}

    EmitRecord(String topic, String appId, byte[] value) {
        this.topic = topic;
        this.appId = appId;
        this.value = value;
    }

    /** Each record to the topic it names. */
    static KafkaRecordSerializationSchema<EmitRecord> serializer() {
        return (r, context, timestamp) ->
                new ProducerRecord<>(r.topic, r.appId.getBytes(StandardCharsets.UTF_8), r.value);
    }
}
