package io.causality.jobs.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobsMiniCluster;
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
import io.causality.schemas.EventJson;
import io.causality.testing.LakeFiles;
import io.causality.testing.TestKafka;
import io.causality.testing.TopicRead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both jobs of this release resume from savepoints of the last one ({@code
 * src/test/resources/savepoints/}, written by {@link SavepointFixtureWriter} from the jobs before
 * deduplication and sequences were keyed by app): every operator's state is taken up (no state may
 * be left over), the sources go on where the old jobs stopped (nothing read twice), and the
 * restored rules run before any rule is deployed again. The old keyed entries are handled as
 * docs/upgrades.md says: old dedup ids are never matched again and expire, old partial matches are
 * dropped at their first timer.
 */
class SavepointUpgradeITCase {
    private static final String RELEASE = "v0.1-5af963d";

    @RegisterExtension static final MiniClusterExtension FLINK = JobsMiniCluster.create();

    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka =
                TestKafka.start(
                        List.of(
                                // The fixture's records are from the day it was written:
                                // nothing may expire by age.
                                new NewTopic(SavepointFixtureWriter.EVENTS, 1, (short) 1)
                                        .configs(Map.of("retention.ms", "-1")),
                                new NewTopic(SavepointFixtureWriter.RULES, 1, (short) 1)
                                        .configs(
                                                Map.of(
                                                        "cleanup.policy",
                                                        "compact",
                                                        "retention.ms",
                                                        "-1")),
                                new NewTopic(SavepointFixtureWriter.DLQ, 1, (short) 1),
                                new NewTopic(SavepointFixtureWriter.MATCHES, 1, (short) 1),
                                new NewTopic(SavepointFixtureWriter.ACTIONS, 1, (short) 1),
                                new NewTopic(SavepointFixtureWriter.STATUS, 1, (short) 1)));
        // The topic as the old jobs read it, at the same offsets: the restored sources go on
        // after these.
        List<String> before = Files.readAllLines(fixture("events.jsonl"), StandardCharsets.UTF_8);
        before.forEach(e -> send(e, SavepointFixtureWriter.recordTime(e)));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.stop();
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(
                SavepointUpgradeITCase.class
                        .getResource("/savepoints/" + RELEASE + "/" + name)
                        .toURI());
    }

    @Test
    void theWarehouseJobResumesFromTheLastReleasesSavepoint() throws Exception {
        Path lake =
                Path.of(
                                "target",
                                "it",
                                "upgrade-lake-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Configuration config = new Configuration();
        config.set(WarehouseOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(WarehouseOptions.EVENTS_TOPIC, SavepointFixtureWriter.EVENTS);
        config.set(WarehouseOptions.DLQ_TOPIC, SavepointFixtureWriter.DLQ);
        config.set(WarehouseOptions.COMPACTION_CHECKPOINTS, 1);
        WarehouseSettings settings = WarehouseSettings.forLake(lake.toUri().toString(), config);
        StreamExecutionEnvironment env = env(fixture("warehouse/savepoint"));
        new WarehouseJob(
                        settings,
                        source("fx-warehouse"),
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()))
                .build(env);
        JobClient job = env.executeAsync("upgraded-warehouse");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String after = SavepointFixtureWriter.id("after-upgrade");
            String shared = SavepointFixtureWriter.id("shared-after-upgrade");
            send(SavepointFixtureWriter.purchase("after-upgrade", "demo-shop", "u", now, 1), now);
            send(
                    SavepointFixtureWriter.purchase(
                            "shared-after-upgrade", "demo-shop", "u", now, 2),
                    now);
            send(
                    SavepointFixtureWriter.purchase(
                            "shared-after-upgrade", "demo-news", "u", now, 3),
                    now);
            send(
                    SavepointFixtureWriter.purchase(
                            "shared-after-upgrade", "demo-news", "u", now, 3),
                    now);
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> LakeFiles.eventIds(lake).size() >= 3);
            // What the old job had read is not read again: only what came after the savepoint.
            assertThat(LakeFiles.eventIds(lake)).containsExactlyInAnyOrder(after, shared, shared);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theReactionJobResumesFromTheLastReleasesSavepoint() throws Exception {
        Configuration config = new Configuration();
        config.set(ReactionOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(ReactionOptions.EVENTS_TOPIC, SavepointFixtureWriter.EVENTS);
        config.set(ReactionOptions.RULES_TOPIC, SavepointFixtureWriter.RULES);
        config.set(ReactionOptions.MATCHES_TOPIC, SavepointFixtureWriter.MATCHES);
        config.set(ReactionOptions.ACTIONS_TOPIC, SavepointFixtureWriter.ACTIONS);
        config.set(ReactionOptions.DLQ_TOPIC, SavepointFixtureWriter.DLQ);
        config.set(ReactionOptions.RULE_STATUS_TOPIC, SavepointFixtureWriter.STATUS);
        config.set(ReactionOptions.TRANSACTIONAL_ID_PREFIX, "fx-reaction");
        config.set(ReactionOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        config.set(ReactionOptions.IDLENESS, Duration.ofMinutes(5));
        StreamExecutionEnvironment env = env(fixture("reaction/savepoint"));
        ReactionJob.withEvents(ReactionSettings.from(config), source("fx-reaction")).build(env);
        JobClient job = env.executeAsync("upgraded-reaction");
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            // No rule is deployed to this broker: what runs came from the savepoint.
            send(SavepointFixtureWriter.purchase("big-after", "demo-news", "u9", now, 950), now);
            // u1 signed up in demo-news before the upgrade (a partial match under the old key);
            // a purchase of u1 in demo-shop is no conversion.
            send(SavepointFixtureWriter.purchase("u1-shop", "demo-shop", "u1", now, 5), now);
            send(signup("u2-signup", "demo-shop", "u2", now.plusMillis(1)), now);
            send(
                    SavepointFixtureWriter.purchase(
                            "u2-buy", "demo-shop", "u2", now.plusMillis(2), 5),
                    now);
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                // Later record times move event time past the sequence.
                                send(
                                        "{\"event_id\":\"tick-"
                                                + UUID.randomUUID()
                                                + "\",\"app_id\":\"demo-shop\",\"type\":\"app_open\","
                                                + "\"anonymous_id\":\"t\",\"timestamp\":\""
                                                + Instant.now()
                                                + "\"}",
                                        Instant.now().plusSeconds(5));
                                return matched("convert").size() >= 1;
                            });
            assertThat(matched("big"))
                    .extracting(m -> m.path("event_ids").get(0).asText())
                    .contains(SavepointFixtureWriter.id("big-after"));
            var convert = matched("convert");
            assertThat(convert).hasSize(1);
            assertThat(convert.get(0).path("app_id").asText()).isEqualTo("demo-shop");
            assertThat(convert.get(0).path("key").asText()).isEqualTo("u2");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<com.fasterxml.jackson.databind.JsonNode> matched(String rule)
            throws Exception {
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        for (String v :
                TopicRead.values(kafka.bootstrapServers(), SavepointFixtureWriter.MATCHES)) {
            var m = EventJson.mapper().readTree(v);
            if (m.path("rule").asText().equals(rule)) {
                out.add(m);
            }
        }
        return out;
    }

    private static String signup(String name, String app, String user, Instant at) {
        return "{\"event_id\":\""
                + SavepointFixtureWriter.id(name)
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"user_signup\",\"user_id\":\""
                + user
                + "\",\"timestamp\":\""
                + at
                + "\",\"properties\":{}}";
    }

    /** Every state of the savepoint must be taken up: allowNonRestoredState stays false. */
    private static StreamExecutionEnvironment env(Path savepoint) {
        Configuration flink = JobEnvironment.configure(new Configuration());
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(1);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    private static KafkaSource<RawRecord> source(String group) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(SavepointFixtureWriter.EVENTS)
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    private static void send(String event, long recordTime) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(
                    new ProducerRecord<>(
                            SavepointFixtureWriter.EVENTS,
                            null,
                            recordTime,
                            null,
                            event.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void send(String event, Instant recordTime) {
        send(event, recordTime.toEpochMilli());
    }
}
