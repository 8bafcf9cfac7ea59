package io.causality.jobs.common;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter with the original bytes as the value, so a replay is a plain copy back to
 * the source topic, and the reason and origin as headers.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    public static final String REASON = "causality.reason";
    public static final String JOB = "causality.job";
    public static final String SOURCE = "causality.source";

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, letter.reason.getBytes(StandardCharsets.UTF_8));
        headers.add(JOB, letter.job.getBytes(StandardCharsets.UTF_8));
        headers.add(
                SOURCE,
                (letter.topic + "/" + letter.partition + "/" + letter.offset)
                        .getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, timestamp, null, letter.value, headers);
    }
}
