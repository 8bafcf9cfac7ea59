package io.causality.jobs.common;

import io.causality.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter with the original bytes as the value, so a replay is a plain copy back to
 * the source topic, and the reason, origin, rule and event id as headers ({@link
 * DeadLetterHeaders}).
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, DeadLetterHeaders.REASON, letter.reason);
        header(headers, DeadLetterHeaders.JOB, letter.job);
        if (letter.topic != null) {
            header(
                    headers,
                    DeadLetterHeaders.SOURCE,
                    letter.topic + "/" + letter.partition + "/" + letter.offset);
        }
        header(headers, DeadLetterHeaders.RULE, letter.rule);
        if (letter.ruleVersion != null) {
            header(headers, DeadLetterHeaders.RULE_VERSION, letter.ruleVersion.toString());
        }
        header(headers, DeadLetterHeaders.EVENT_ID, letter.eventId);
        return new ProducerRecord<>(topic, null, timestamp, null, letter.value, headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
