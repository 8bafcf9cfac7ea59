package io.causality.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.causality.contracts.Topics;
import io.causality.ingest.IngestConfig;
import io.causality.ingest.Settings;
import io.causality.ingest.auth.KeyAdmin;
import io.causality.ingest.server.IngestServer;
import io.causality.processes.KafkaBroker;
import io.causality.processes.PostgresServer;
import io.causality.processes.StackLayout;
import io.causality.schemas.EventJson;
import io.causality.stack.demo.IngestClient;
import io.causality.testing.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The real parts the ingest talks to, for one test class or a whole run: a Kafka broker in its own
 * JVM, PostgreSQL from real binaries, and the ingest service on a free port.
 */
final class Pipeline implements AutoCloseable {
    static final String SIGNING_SECRET = "test-signing-secret-of-at-least-32-chars";

    final Path home;
    final KafkaBroker kafka;
    final EmbeddedPostgres postgres;
    final HikariDataSource dataSource;
    final KeyAdmin keys;
    final Map<String, String> settings = new HashMap<>();
    IngestServer ingest;
    IngestClient client;

    private Pipeline(Path home, KafkaBroker kafka, EmbeddedPostgres postgres) {
        this.home = home;
        this.kafka = kafka;
        this.postgres = postgres;
        this.dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(PostgresServer.jdbcUrl(postgres.getPort()));
        dataSource.setUsername(PostgresServer.USER);
        dataSource.setMaximumPoolSize(2);
        this.keys = new KeyAdmin(dataSource, SIGNING_SECRET);
    }

    /** Starts Kafka and PostgreSQL; call {@link #startIngest} to add the service. */
    static Pipeline start(String name) throws Exception {
        Path home =
                Path.of("target", "it", name + "-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Files.createDirectories(home);
        StackLayout layout = new StackLayout(home).create();
        KafkaBroker kafka = new KafkaBroker(layout, FreePorts.next(), FreePorts.next());
        kafka.start(Duration.ofSeconds(90));
        kafka.createTopics(KafkaBroker.newTopics(Topics.all()));
        EmbeddedPostgres pg =
                PostgresServer.embedded(
                        home.resolve("postgres"),
                        Path.of("target", "pg-bin").toAbsolutePath(),
                        FreePorts.next());
        Pipeline p = new Pipeline(home, kafka, pg);
        p.keys.migrate();
        return p;
    }

    /** Starts the ingest with test defaults, overridden by {@code overrides}. */
    IngestServer startIngest(Map<String, String> overrides) throws Exception {
        Properties props = new Properties();
        props.setProperty("http.port", Integer.toString(FreePorts.next()));
        props.setProperty("http.event-loops", "2");
        props.setProperty("db.url", PostgresServer.jdbcUrl(postgres.getPort()));
        props.setProperty("db.user", PostgresServer.USER);
        props.setProperty("kafka.bootstrap-servers", kafka.bootstrapServers());
        props.setProperty("auth.signing-secret", SIGNING_SECRET);
        props.setProperty("auth.key-refresh-interval", "500ms");
        props.setProperty("kafka.ack-timeout", "4s");
        props.setProperty("rate-limit.requests-per-second", "10000");
        props.setProperty("rate-limit.burst", "20000");
        props.setProperty("cors.allowed-origins", "https://app.example.com");
        props.putAll(overrides);
        IngestServer server =
                new IngestServer(IngestConfig.from(new Settings(props, Map.of()))).start();
        if (ingest == null) {
            ingest = server;
            client = new IngestClient("http://127.0.0.1:" + server.port());
        }
        return server;
    }

    String newKey(String app) throws Exception {
        return keys.create(app, "test", false).plainKey();
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p);
    }

    private static List<TopicPartition> eventPartitions(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(Topics.EVENTS)
                .forEach(i -> parts.add(new TopicPartition(Topics.EVENTS, i.partition())));
        return parts;
    }

    /** Every event currently in the events topic, by event id. */
    Map<String, ConsumerRecord<String, byte[]>> readAllEvents() {
        Map<String, ConsumerRecord<String, byte[]>> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            List<TopicPartition> parts = eventPartitions(c);
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.put(json(r.value()).get("event_id").asText(), r);
                }
            }
        }
        return out;
    }

    long eventsInKafka() {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            return c.endOffsets(eventPartitions(c)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    static JsonNode json(byte[] bytes) {
        try {
            return EventJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (ingest != null) {
            ingest.stop();
        }
        dataSource.close();
        postgres.close();
        kafka.stop();
    }
}
