package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** How matches and actions are written to Kafka: keyed by rule name, JSON values. */
final class MatchRecords {
    private MatchRecords() {}

    /** The audit record of a match. */
    static String matchJson(RuleMatch m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("match_id", m.matchId);
        o.put("rule", m.rule);
        o.put("version", m.version);
        if (m.key != null) {
            o.put("key", m.key);
        }
        o.put("app_id", m.appId);
        var ids = o.putArray("event_ids");
        for (String id : m.eventIds) {
            ids.add(id);
        }
        o.put("time", Instant.ofEpochMilli(m.time).toString());
        o.put("actions", m.actions.length);
        return o.toString();
    }

    static KafkaRecordSerializationSchema<RuleMatch> matches(String topic) {
        return (m, context, timestamp) ->
                new ProducerRecord<>(
                        topic,
                        m.rule.getBytes(StandardCharsets.UTF_8),
                        matchJson(m).getBytes(StandardCharsets.UTF_8));
    }

    /** One record per action: the match's rule as key, the rendered action as value. */
    static KafkaRecordSerializationSchema<ActionRecord> actions(String topic) {
        return (a, context, timestamp) ->
                new ProducerRecord<>(
                        topic,
                        a.rule.getBytes(StandardCharsets.UTF_8),
                        a.json.getBytes(StandardCharsets.UTF_8));
    }

    /** An action on its way to the actions topic. A POJO for Flink's serializer. */
    public static class ActionRecord {
        public String rule;
        public String json;

        public ActionRecord() {}

        ActionRecord(String rule, String json) {
            this.rule = rule;
            this.json = json;
        }
    }
}
