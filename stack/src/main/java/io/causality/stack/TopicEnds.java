package io.causality.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where each partition of a topic starts and ends, and what lies between: the demo's counts and
 * waits, and the deliveries commands' reading of the dead-letter topic.
 */
public final class TopicEnds {
    private TopicEnds() {}

    /**
     * @param isolation READ_COMMITTED gives the end readers of committed records see
     */
    public static Map<TopicPartition, Long> of(Admin admin, String topic, IsolationLevel isolation)
            throws Exception {
        return at(admin, topic, isolation, OffsetSpec.latest());
    }

    /** Where each partition of a topic starts: its oldest record still kept. */
    public static Map<TopicPartition, Long> starts(Admin admin, String topic) throws Exception {
        return at(admin, topic, IsolationLevel.READ_COMMITTED, OffsetSpec.earliest());
    }

    private static Map<TopicPartition, Long> at(
            Admin admin, String topic, IsolationLevel isolation, OffsetSpec spec) throws Exception {
        var partitions =
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation))
                .all()
                .get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The committed records from the offsets to where the partitions end now, as JSON. */
    public static List<JsonNode> readCommitted(
            String bootstrapServers, Map<TopicPartition, Long> from) throws IOException {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (byte[] value : committedValues(bootstrapServers, from)) {
            out.add(EventJson.mapper().readTree(value));
        }
        return out;
    }

    /** The values of the committed records from the offsets to where the partitions end now. */
    public static List<byte[]> committedValues(
            String bootstrapServers, Map<TopicPartition, Long> from) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<byte[]> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.assign(from.keySet());
            from.forEach(c::seek);
            Map<TopicPartition, Long> end = c.endOffsets(from.keySet());
            while (from.keySet().stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
