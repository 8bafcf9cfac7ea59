package io.causality.jobs.upgrade;

import static org.awaitility.Awaitility.await;

import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RawRecordDeserializer;
import io.causality.jobs.reaction.ReactionJob;
import io.causality.jobs.reaction.ReactionOptions;
import io.causality.jobs.reaction.ReactionSettings;
import io.causality.jobs.warehouse.WarehouseJob;
import io.causality.jobs.warehouse.WarehouseOptions;
import io.causality.jobs.warehouse.WarehouseSettings;
import io.causality.processes.KafkaBroker;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.rules.topic.RuleTopic;
import io.causality.testing.TestKafka;
import io.causality.testing.TopicRead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Writes the savepoint fixtures that {@code SavepointUpgradeITCase} restores: both jobs of the
 * current code run against a real broker, see the events of {@code events.jsonl}, and are stopped
 * with a savepoint, which is copied to {@code src/test/resources/savepoints/<release>/}. Not part
 * of the test run (its name matches no test pattern): run it once per release whose savepoints the
 * next release must restore, {@code mvn -pl jobs verify -Dit.test=SavepointFixtureWriter
 * -Dfixture.release=<name>} (docs/upgrades.md).
 */
class SavepointFixtureWriter {
    static final String EVENTS = "fx.events";
    static final String RULES = "fx.rules";
    static final String DLQ = "fx.dlq";
    static final String MATCHES = "fx.matches";
    static final String ACTIONS = "fx.actions";
    static final String STATUS = "fx.status";

    @Test
    void writeFixtures() throws Exception {
        String release = System.getProperty("fixture.release");
        if (release == null) {
            throw new IllegalArgumentException("-Dfixture.release=<name> is required");
        }
        Path out = Path.of("src/test/resources/savepoints", release).toAbsolutePath();
        KafkaBroker kafka =
                TestKafka.start(
                        List.of(
                                new NewTopic(EVENTS, 1, (short) 1),
                                new NewTopic(RULES, 1, (short) 1)
                                        .configs(Map.of("cleanup.policy", "compact")),
                                new NewTopic(DLQ, 1, (short) 1),
                                new NewTopic(MATCHES, 1, (short) 1),
                                new NewTopic(ACTIONS, 1, (short) 1),
                                new NewTopic(STATUS, 1, (short) 1)));
        try {
            List<String> events = events();
            produce(kafka, events);
            Files.createDirectories(out);
            Files.write(out.resolve("events.jsonl"), events, StandardCharsets.UTF_8);
            warehouse(kafka, out.resolve("warehouse"), events.size());
            reaction(kafka, out.resolve("reaction"));
        } finally {
            kafka.stop();
        }
    }

    /**
     * Two apps, the same event id in both (the old jobs kept only the first), a retried event, a
     * record that is not JSON, a big purchase (a per-event match) and a signup by u1 in demo-news,
     * the first step of a sequence that is still in progress when the savepoint is taken.
     */
    static List<String> events() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(purchase("fx-shop-" + i, "demo-shop", "u-" + i, t0.plusSeconds(i), 10 + i));
        }
        out.add(purchase("fx-shared-1", "demo-shop", "u-s", t0.plusSeconds(20), 5));
        out.add(purchase("fx-shared-1", "demo-news", "u-s", t0.plusSeconds(21), 6));
        out.add(purchase("fx-shop-3", "demo-shop", "u-3", t0.plusSeconds(3), 13));
        out.add("{not json");
        out.add(purchase("fx-big-1", "demo-shop", "u-b", t0.plusSeconds(30), 900));
        out.add(
                "{\"event_id\":\""
                        + id("fx-signup-u1")
                        + "\",\"app_id\":\"demo-news\",\"type\":\"user_signup\","
                        + "\"user_id\":\"u1\",\"timestamp\":\""
                        + t0.plusSeconds(40)
                        + "\",\"received_at\":\""
                        + t0.plusSeconds(41)
                        + "\",\"properties\":{}}");
        out.add(
                "{\"event_id\":\""
                        + id("fx-probe-1")
                        + "\",\"app_id\":\"demo-shop\",\"type\":\"app_open\","
                        + "\"anonymous_id\":\"d\",\"timestamp\":\""
                        + t0.plusSeconds(50)
                        + "\",\"received_at\":\""
                        + t0.plusSeconds(51)
                        + "\",\"properties\":{}}");
        return out;
    }

    /** Event ids are UUIDs (the schema says so); these are derived from readable names. */
    static String id(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String purchase(String name, String app, String user, Instant at, double total) {
        return "{\"event_id\":\""
                + id(name)
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"purchase_complete\",\"user_id\":\""
                + user
                + "\",\"timestamp\":\""
                + at
                + "\",\"received_at\":\""
                + at.plusSeconds(1)
                + "\",\"properties\":{\"order_id\":\"o-"
                + name
                + "\",\"total\":"
                + total
                + ",\"currency\":\"EUR\"}}";
    }

    /**
     * The Kafka record time of an event: its own time, as if the ingest had stored it then (the
     * reaction job's event time follows record times, so the sequence's first step is not late).
     */
    static long recordTime(String event) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"timestamp\":\"([^\"]+)\"").matcher(event);
        return m.find()
                ? Instant.parse(m.group(1)).toEpochMilli()
                : Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
    }

    /** The rules deployed before the reaction job starts. */
    static List<DeployedRule> rules() throws Exception {
        String text =
                "rule \"big\" on purchase_complete where $.properties.total >= 500"
                        + " then emit \"sales\" end\n"
                        + "rule \"convert\" sequence by $.user_id within 1h"
                        + " user_signup followed by purchase_complete then emit \"growth\" end\n"
                        + "rule \"probe\" on app_open then emit \"probes\" end\n";
        List<DeployedRule> out = new ArrayList<>();
        for (var r : Parser.parse("fixture.rules", text).rules()) {
            out.add(new DeployedRule(r, 1, Instant.parse("2026-12-01T09:00:00Z"), "fixture"));
        }
        return out;
    }

    private static void produce(KafkaBroker kafka, List<String> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String e : events) {
                producer.send(
                        new ProducerRecord<>(
                                EVENTS,
                                null,
                                recordTime(e),
                                null,
                                e.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configure(new Configuration()));
        env.setParallelism(1);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    private static KafkaSource<RawRecord> source(KafkaBroker kafka, String group) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(EVENTS)
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    private static void warehouse(KafkaBroker kafka, Path out, int events) throws Exception {
        Path work = Path.of("target", "fixture-" + UUID.randomUUID()).toAbsolutePath();
        Configuration config = new Configuration();
        config.set(WarehouseOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(WarehouseOptions.DLQ_TOPIC, DLQ);
        config.set(WarehouseOptions.COMPACTION_CHECKPOINTS, 1);
        WarehouseSettings settings =
                WarehouseSettings.forLake(work.resolve("lake").toUri().toString(), config);
        StreamExecutionEnvironment env = env();
        new WarehouseJob(
                        settings,
                        source(kafka, "fx-warehouse"),
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()))
                .build(env);
        JobClient job = env.executeAsync("fixture-warehouse");
        // Everything compacted and committed, and a few more checkpoints, so that the savepoint
        // holds no file in flight (its state then names no path of this machine).
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                committed(work.resolve("lake")) > 0
                                        && !inFlight(work.resolve("lake")));
        Thread.sleep(3000); // a few checkpoint intervals with nothing new; a fixture, not a test
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                work.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        copy(Path.of(java.net.URI.create(savepoint)), out.resolve("savepoint"));
    }

    private static void reaction(KafkaBroker kafka, Path out) throws Exception {
        Path work = Path.of("target", "fixture-" + UUID.randomUUID()).toAbsolutePath();
        new RuleTopic(kafka.bootstrapServers(), RULES).publish(rules(), List.of());
        Configuration config = new Configuration();
        config.set(ReactionOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(ReactionOptions.RULES_TOPIC, RULES);
        config.set(ReactionOptions.MATCHES_TOPIC, MATCHES);
        config.set(ReactionOptions.ACTIONS_TOPIC, ACTIONS);
        config.set(ReactionOptions.DLQ_TOPIC, DLQ);
        config.set(ReactionOptions.RULE_STATUS_TOPIC, STATUS);
        config.set(ReactionOptions.TRANSACTIONAL_ID_PREFIX, "fx-reaction");
        config.set(ReactionOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        config.set(ReactionOptions.IDLENESS, Duration.ofMinutes(5));
        StreamExecutionEnvironment env = env();
        ReactionJob.withEvents(ReactionSettings.from(config), source(kafka, "fx-reaction"))
                .build(env);
        JobClient job = env.executeAsync("fixture-reaction");
        // The rules may come after the first events; then the events are sent again (the job
        // drops them as duplicates if it had seen them) until the probe has matched.
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                TopicRead.values(kafka.bootstrapServers(), MATCHES).stream()
                                        .anyMatch(m -> m.contains("\"rule\":\"probe\"")));
        Thread.sleep(3000); // a few checkpoint intervals with nothing new; a fixture, not a test
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                work.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        copy(Path.of(java.net.URI.create(savepoint)), out.resolve("savepoint"));
    }

    private static boolean failFast(JobClient job) throws Exception {
        var status = job.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            job.getJobExecutionResult().get();
            throw new IllegalStateException("the job ended: " + status);
        }
        return true;
    }

    private static long committed(Path lake) throws Exception {
        if (!Files.exists(lake)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(f -> f.getFileName().toString().startsWith("compacted-")).count();
        }
    }

    private static boolean inFlight(Path lake) throws Exception {
        try (Stream<Path> files = Files.walk(lake)) {
            return files.anyMatch(
                    f ->
                            Files.isRegularFile(f)
                                    && (f.getFileName().toString().startsWith(".")
                                            || f.getFileName().toString().startsWith("part-")));
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
