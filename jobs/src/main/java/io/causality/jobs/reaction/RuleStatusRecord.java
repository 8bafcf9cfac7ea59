package io.causality.jobs.reaction;

import io.causality.rules.json.RuleStatus;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link RuleStatus} on its way to the rule-status topic, keyed by the rule's name so that the
 * compacted topic keeps the newest. A POJO for Flink's serializer.
 */
public class RuleStatusRecord {
    /** The side output of both reaction operators; the job unions and sinks them. */
    public static final OutputTag<RuleStatusRecord> TAG =
            new OutputTag<>("rule-status", TypeInformation.of(RuleStatusRecord.class));

    public String rule;
    public String json;

    public RuleStatusRecord() {}

    RuleStatusRecord(RuleStatus status) {
        this.rule = status.rule();
        this.json = status.toJson().toString();
    }

    static KafkaRecordSerializationSchema<RuleStatusRecord> serializer(String topic) {
        return (s, context, timestamp) ->
                new ProducerRecord<>(
                        topic,
                        s.rule.getBytes(StandardCharsets.UTF_8),
                        s.json.getBytes(StandardCharsets.UTF_8));
    }
}
