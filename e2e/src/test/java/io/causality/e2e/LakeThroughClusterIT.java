package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import io.causality.schemas.lake.LakeSchema;
import io.causality.stack.LocalStack;
import io.causality.stack.StackConfig;
import io.causality.stack.StackLayout;
import io.causality.stack.Topics;
import io.causality.stack.TrinoClient;
import io.causality.stack.demo.IngestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path as a user runs it: the local stack (PostgreSQL, Kafka, ingest, s3proxy, a Flink
 * session cluster running the warehouse job, Trino), events sent over HTTP with retried duplicates,
 * unreadable records put straight on the topic; the lake on the S3 server holds every distinct
 * accepted event exactly once (read from the Parquet files, and counted by Trino), and the
 * unreadable records are in the dead-letter topic.
 */
class LakeThroughClusterIT {
    private static LocalStack stack;

    @BeforeAll
    static void up() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path home =
                root.resolve("e2e/target/it/stack-" + UUID.randomUUID().toString().substring(0, 8));
        StackConfig config =
                new StackConfig(
                        Pipeline.freePort(),
                        Pipeline.freePort(),
                        Pipeline.freePort(),
                        Pipeline.freePort(),
                        Pipeline.freePort(),
                        Pipeline.freePort(),
                        true,
                        Pipeline.freePort(),
                        Pipeline.freePort());
        stack = new LocalStack(root, new StackLayout(home), config, System.out);
        stack.up();
    }

    @AfterAll
    static void down() throws Exception {
        if (stack != null) {
            stack.down();
        }
    }

    @Test
    void acceptedEventsLandInTheS3LakeExactlyOnceAndUnreadableOnesInTheDlq() throws Exception {
        IngestClient client = new IngestClient(stack.config().ingestUrl());
        String key = stack.demoKeys().get("demo-shop");
        Set<String> accepted = new HashSet<>();
        List<ObjectNode> sent = new ArrayList<>();
        for (int batch = 0; batch < 6; batch++) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ObjectNode e = EventJson.mapper().createObjectNode();
                e.put("event_id", UUID.randomUUID().toString())
                        .put("type", "app_open")
                        .put("anonymous_id", "d-" + i);
                e.put("timestamp", Instant.now().minusSeconds(i).toString());
                events.add(e);
            }
            IngestClient.Answer a = client.nativeBatch(key, events);
            assertThat(a.status()).isEqualTo(200);
            a.body().get("event_ids").forEach(id -> accepted.add(id.asText()));
            sent.addAll(events);
        }
        // Retries of events already accepted: the same ids, stored once.
        IngestClient.Answer retry = client.nativeBatch(key, sent.subList(0, 40));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(accepted).hasSize(300);

        // Records that are not events, put straight on the topic around the ingest.
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < 4; i++) {
                producer.send(
                        new ProducerRecord<>(
                                Topics.EVENTS,
                                ("not an event " + i).getBytes(StandardCharsets.UTF_8)));
            }
        }

        Path events = stack.lake().resolve("events");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> lakeEventIds(events).size() >= accepted.size());
        List<String> stored = lakeEventIds(events);
        assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(events.resolve("app_id=demo-shop")).isDirectory();

        // The same, asked of Trino over the table the stack defined from the schemas module.
        assertThat(stack.trino().process().running())
                .as("Trino runs (it needs a JDK the stack finds; see the up output above)")
                .isPresent();
        stack.lakeTable().sync();
        TrinoClient.Result counts =
                stack.trino()
                        .client()
                        .query(
                                "SELECT count(*), count(DISTINCT event_id), count(DISTINCT app_id)"
                                        + " FROM events",
                                Duration.ofSeconds(60));
        assertThat(counts.rows().get(0).stream().map(v -> v.asLong()).toList())
                .containsExactly((long) accepted.size(), (long) accepted.size(), 1L);

        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters() >= 4);
    }

    private static List<String> lakeEventIds(Path events) throws Exception {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(events)) {
            return ids;
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(events)) {
            files = all.filter(LakeSchema::isCommittedFile).toList();
        }
        for (Path f : files) {
            try (ParquetReader<GenericRecord> reader =
                    AvroParquetReader.<GenericRecord>builder(new LocalInputFile(f)).build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    ids.add(r.get("event_id").toString());
                }
            }
        }
        return ids;
    }

    private static long deadLetters() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(Topics.EVENTS_DLQ, 0);
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }
}
