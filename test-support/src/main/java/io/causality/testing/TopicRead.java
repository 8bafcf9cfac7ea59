package io.causality.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A topic's committed records so far, read to its end. */
public final class TopicRead {
    private TopicRead() {}

    /** The records of every partition, each partition in order. */
    public static List<ConsumerRecord<byte[], byte[]>> records(
            String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The values as text. */
    public static List<String> values(String bootstrapServers, String topic) {
        return records(bootstrapServers, topic).stream()
                .map(
                        r ->
                                r.value() == null
                                        ? null
                                        : new String(
                                                r.value(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    /** The values read as JSON (a record without a value is left out). */
    public static List<JsonNode> json(String bootstrapServers, String topic) {
        List<JsonNode> out = new ArrayList<>();
        for (String v : values(bootstrapServers, topic)) {
            if (v != null) {
                try {
                    out.add(EventJson.mapper().readTree(v));
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON in " + topic + ": " + v, e);
                }
            }
        }
        return out;
    }

    /** A header of each record as text (null where a record lacks it). */
    public static List<String> header(String bootstrapServers, String topic, String header) {
        return records(bootstrapServers, topic).stream()
                .map(
                        r -> {
                            var h = r.headers().lastHeader(header);
                            return h == null
                                    ? null
                                    : new String(
                                            h.value(), java.nio.charset.StandardCharsets.UTF_8);
                        })
                .toList();
    }
}
