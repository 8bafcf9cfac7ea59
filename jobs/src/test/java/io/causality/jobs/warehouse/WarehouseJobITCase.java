package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.causality.contracts.DeadLetterHeaders;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobsMiniCluster;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecordDeserializer;
import io.causality.processes.KafkaBroker;
import io.causality.schemas.lake.DecisionTable;
import io.causality.testing.LakeFiles;
import io.causality.testing.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once from Kafka to Parquet, proven by breaking it: a failure is injected after a
 * checkpoint, the job recovers from it, and the lake still holds every distinct event exactly once,
 * each in the partition of its event time; retried duplicates are stored once and unreadable
 * records end up in the dead-letter topic.
 */
class WarehouseJobITCase {
    private static final String EVENTS = "it.events";
    private static final String DLQ = "it.events.dlq";
    private static final Instant BASE = Instant.parse("2026-11-22T08:00:00Z");

    @RegisterExtension static final MiniClusterExtension FLINK = JobsMiniCluster.create();

    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka =
                TestKafka.start(
                        List.of(
                                new NewTopic(EVENTS, 3, (short) 1),
                                new NewTopic(DLQ, 1, (short) 1)));
    }

    @AfterAll
    static void stopKafka() throws IOException {
        kafka.stop();
    }

    /** Fails the job once, on the first record after a checkpoint that followed some records. */
    static final class FailOnceAfterCheckpoint
            implements MapFunction<LakeRow, LakeRow>, CheckpointListener {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();

        @Override
        public LakeRow map(LakeRow row) {
            SEEN.incrementAndGet();
            if (ARMED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a completed checkpoint");
            }
            return row;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (SEEN.get() > 0) {
                ARMED.set(true);
            }
        }
    }

    @Test
    void failureAfterACheckpointLeavesEveryEventExactlyOnceInTheLake() throws Exception {
        Path lake =
                Path.of("target", "it", "lake-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Map<String, Instant> expected = new HashMap<>();
        // Phase 1: events, some sent twice (client retries), and records that are not events.
        produce(events(0, 400, expected), 50, 3);

        Configuration config = JobEnvironment.configure(new Configuration());
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        config.set(WarehouseOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(WarehouseOptions.DLQ_TOPIC, DLQ);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<io.causality.jobs.common.RawRecord> source =
                KafkaSource.<io.causality.jobs.common.RawRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(EVENTS)
                        .setGroupId("it-warehouse")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
                        .build();
        config.set(WarehouseOptions.COMPACTION_CHECKPOINTS, 3);
        WarehouseSettings settings = WarehouseSettings.forLake(lake.toUri().toString(), config);
        new WarehouseJob(
                        settings,
                        source,
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()))
                .withStepBeforeLake(new FailOnceAfterCheckpoint())
                .build(env);
        JobClient job = env.executeAsync("warehouse-exactly-once");

        // Phase 2 starts once a checkpoint has covered part of phase 1, so the failure lands
        // between two checkpoints with data on both sides.
        await().atMost(Duration.ofSeconds(60)).untilTrue(FailOnceAfterCheckpoint.ARMED);
        produce(events(400, 200, expected), 50, 2);

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> LakeFiles.eventIds(lake).size() >= expected.size());
        job.stopWithSavepoint(
                        false,
                        lake.resolveSibling("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);

        assertThat(FailOnceAfterCheckpoint.FAILED).as("the failure was injected").isTrue();
        List<String> stored = LakeFiles.eventIds(lake);
        assertThat(stored)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        // Each event sits in the partition of its own event time.
        Map<String, String> partitionOf = lakePartitions(lake);
        expected.forEach(
                (id, at) ->
                        assertThat(partitionOf.get(id))
                                .isEqualTo(
                                        PartitionPath.of(
                                                at.getEpochSecond() % 2 == 0 ? "shop" : "news",
                                                at.toEpochMilli())));

        // Small files were compacted: without compaction this run leaves about six per partition
        // (one per checkpoint and writer); with it, one per compaction round.
        Map<String, Long> filesPerPartition = new HashMap<>();
        for (Path f : LakeFiles.committed(lake)) {
            assertThat(f.getFileName().toString()).startsWith("compacted-");
            filesPerPartition.merge(
                    lake.resolve("events").relativize(f.getParent()).toString(), 1L, Long::sum);
        }
        assertThat(filesPerPartition.values())
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));

        Map<String, String> deadLetters = deadLetters();
        assertThat(deadLetters).as("the five unreadable records, by source offset").hasSize(5);
        assertThat(deadLetters.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());
        assertThat(job.getJobID()).isInstanceOf(JobID.class);
    }

    /**
     * An event id is an app's own: the same id sent by two apps is two events, and both are in the
     * lake (deduplication keyed by id alone once let one tenant's event suppress another's).
     */
    @Test
    void theSameEventIdFromTwoAppsIsStoredForEach() throws Exception {
        String topic = "it.tenants";
        kafka.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
        Path lake =
                Path.of("target", "it", "lake-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        String shared = UUID.randomUUID().toString();
        String retried = UUID.randomUUID().toString();
        List<String> sent =
                List.of(
                        Events.purchase(shared, "shop", BASE, 1),
                        Events.purchase(shared, "news", BASE, 2),
                        Events.purchase(retried, "news", BASE, 3),
                        Events.purchase(retried, "news", BASE, 3));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String e : sent) {
                producer.send(new ProducerRecord<>(topic, e.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Configuration config = JobEnvironment.configure(new Configuration());
        config.set(WarehouseOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(WarehouseOptions.DLQ_TOPIC, DLQ);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        config.set(WarehouseOptions.COMPACTION_CHECKPOINTS, 1);
        WarehouseSettings settings = WarehouseSettings.forLake(lake.toUri().toString(), config);
        new WarehouseJob(
                        settings,
                        KafkaSource.<io.causality.jobs.common.RawRecord>builder()
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setTopics(topic)
                                .setGroupId("it-tenants")
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .setDeserializer(new RawRecordDeserializer())
                                .build(),
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()))
                .build(env);
        JobClient job = env.executeAsync("warehouse-tenants");
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> lakePartitions(lake).size() >= 2);
            // A little longer than it takes: the same id of the other app would be there by now.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> LakeFiles.eventIds(lake).size() >= 3);
            assertThat(LakeFiles.eventIds(lake)).containsExactlyInAnyOrder(shared, shared, retried);
            assertThat(lakeAppsOf(lake, shared))
                    .containsExactlyInAnyOrder("app_id=shop", "app_id=news");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Every decision queryable: the records of the rule-matches, anomalies and deliveries topics
     * land in their tables, partitioned by app and day, with arrays kept as JSON; records that are
     * not what their topic holds (not JSON, against the schema, an app id that is not one) are dead
     * letters, and the rest goes on.
     */
    @Test
    void decisionsLandInTheirTablesAndBadRecordsAreDeadLetters() throws Exception {
        Map<DecisionTable, String> topics = new java.util.EnumMap<>(DecisionTable.class);
        String dlq = "it.decisions.dlq";
        List<NewTopic> created =
                new ArrayList<>(
                        List.of(
                                new NewTopic("it.no-events", 1, (short) 1),
                                new NewTopic(dlq, 1, (short) 1)));
        for (DecisionTable t : DecisionTable.values()) {
            topics.put(t, "it.decisions." + t.table());
            created.add(new NewTopic(topics.get(t), 1, (short) 1));
        }
        kafka.createTopics(created);
        Path lake =
                Path.of("target", "it", "lake-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Map<DecisionTable, List<String>> records =
                Map.of(
                        DecisionTable.RULE_MATCHES,
                        List.of(
                                "{\"match_id\":\"m-1\",\"rule\":\"vip\",\"version\":2,\"app_id\":\"shop\","
                                        + "\"event_ids\":[\"e-1\",\"e-2\"],\"time\":\"2026-11-22T08:00:01.500Z\","
                                        + "\"actions\":1}",
                                "{\"match_id\":\"m-2\",\"rule\":\"vip\"}",
                                "not json"),
                        DecisionTable.ANOMALIES,
                        List.of(
                                "{\"anomaly_id\":\"a-1\",\"detector\":\"drop\",\"version\":1,"
                                        + "\"app_id\":\"news\",\"group\":{\"app\":\"news\"},"
                                        + "\"window_start\":\"2026-11-22T23:59:00Z\","
                                        + "\"window_end\":\"2026-11-23T00:00:00Z\",\"value\":1.5,"
                                        + "\"baseline\":null,\"state\":\"firing\","
                                        + "\"previous_state\":\"normal\"}"),
                        DecisionTable.DELIVERIES,
                        List.of(
                                "{\"delivery_id\":\"d-1\",\"app_id\":\"shop\",\"endpoint\":\"crm\","
                                        + "\"match_id\":\"m-1\",\"status\":\"delivered\",\"attempts\":1,"
                                        + "\"status_code\":200,\"created_at\":\"2026-11-22T08:00:02Z\","
                                        + "\"time\":\"2026-11-22T08:00:03Z\"}",
                                "{\"delivery_id\":\"d-2\",\"app_id\":\"../etc\",\"endpoint\":\"crm\","
                                        + "\"status\":\"delivered\",\"attempts\":1,"
                                        + "\"created_at\":\"2026-11-22T08:00:02Z\","
                                        + "\"time\":\"2026-11-22T08:00:03Z\"}"));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            records.forEach(
                    (t, values) ->
                            values.forEach(
                                    v ->
                                            producer.send(
                                                    new ProducerRecord<>(
                                                            topics.get(t),
                                                            v.getBytes(StandardCharsets.UTF_8)))));
        }
        Configuration config = JobEnvironment.configure(new Configuration());
        config.set(WarehouseOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(WarehouseOptions.DLQ_TOPIC, dlq);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        WarehouseSettings settings = WarehouseSettings.forLake(lake.toUri().toString(), config);
        WarehouseJob job =
                new WarehouseJob(
                        settings,
                        source("it.no-events"),
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()));
        for (DecisionTable t : DecisionTable.values()) {
            job.withDecisions(t, source(topics.get(t)), WarehouseJob.decisionSink(settings, t));
        }
        job.build(env);
        JobClient run = env.executeAsync("warehouse-decisions");
        try {
            Map<String, List<GenericRecord>> rows = new HashMap<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(
                            () -> {
                                rows.clear();
                                for (DecisionTable t : DecisionTable.values()) {
                                    Path dir = lake.resolve(t.table());
                                    if (java.nio.file.Files.isDirectory(dir)) {
                                        LakeFiles.forEachRow(
                                                dir,
                                                (f, r) ->
                                                        rows.computeIfAbsent(
                                                                        lake.relativize(
                                                                                        f
                                                                                                .getParent())
                                                                                .toString(),
                                                                        k -> new ArrayList<>())
                                                                .add(r));
                                    }
                                }
                                return rows.size() >= 3;
                            });
            assertThat(rows)
                    .containsOnlyKeys(
                            "rule_matches/app_id=shop/dt=2026-11-22",
                            "anomalies/app_id=news/dt=2026-11-23",
                            "deliveries/app_id=shop/dt=2026-11-22");
            GenericRecord match = rows.get("rule_matches/app_id=shop/dt=2026-11-22").get(0);
            assertThat(match.get("match_id").toString()).isEqualTo("m-1");
            assertThat(match.get("event_ids_json").toString()).isEqualTo("[\"e-1\",\"e-2\"]");
            assertThat(match.get("version")).isEqualTo(2L);
            assertThat(match.get("time"))
                    .isEqualTo(Instant.parse("2026-11-22T08:00:01.500Z").toEpochMilli());
            GenericRecord anomaly = rows.get("anomalies/app_id=news/dt=2026-11-23").get(0);
            assertThat(anomaly.get("value")).isEqualTo(1.5);
            assertThat(anomaly.get("baseline")).isNull();
            assertThat(anomaly.get("group_json").toString()).isEqualTo("{\"app\":\"news\"}");
            assertThat(rows.get("deliveries/app_id=shop/dt=2026-11-22").get(0).get("status_code"))
                    .isEqualTo(200L);

            await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters(dlq).size() >= 3);
            Map<String, String> letters = deadLetters(dlq);
            assertThat(letters).hasSize(3);
            assertThat(letters.get(topics.get(DecisionTable.RULE_MATCHES) + "/0/1"))
                    .startsWith("not a rule_matches record: $: required property 'version'");
            assertThat(letters.get(topics.get(DecisionTable.RULE_MATCHES) + "/0/2"))
                    .isEqualTo("not JSON");
            assertThat(letters.get(topics.get(DecisionTable.DELIVERIES) + "/0/1"))
                    .contains("app_id '../etc' is not an app id");
        } finally {
            run.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaSource<io.causality.jobs.common.RawRecord> source(String topic) {
        return KafkaSource.<io.causality.jobs.common.RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId("it-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    private static List<String> lakeAppsOf(Path lake, String eventId) throws IOException {
        List<String> apps = new ArrayList<>();
        for (Path f : LakeFiles.committed(lake)) {
            try (ParquetReader<GenericRecord> reader =
                    AvroParquetReader.<GenericRecord>builder(new LocalInputFile(f)).build()) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    if (r.get("event_id").toString().equals(eventId)) {
                        apps.add(f.getParent().getParent().getParent().getFileName().toString());
                    }
                }
            }
        }
        return apps;
    }

    private static List<String> events(int from, int count, Map<String, Instant> expected) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            // Spread over three hours, late ones included, and two apps.
            Instant at = BASE.plusSeconds((i * 37L) % (3 * 3600));
            String app = at.getEpochSecond() % 2 == 0 ? "shop" : "news";
            String id =
                    UUID.nameUUIDFromBytes(("event-" + i).getBytes(StandardCharsets.UTF_8))
                            .toString();
            expected.put(id, at);
            out.add(Events.purchase(id, app, at, i));
        }
        return out;
    }

    private static void produce(List<String> events, int duplicates, int garbage) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String e : events) {
                producer.send(new ProducerRecord<>(EVENTS, e.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < duplicates; i++) {
                producer.send(
                        new ProducerRecord<>(
                                EVENTS,
                                events.get(i * 3 % events.size())
                                        .getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < garbage; i++) {
                producer.send(
                        new ProducerRecord<>(
                                EVENTS, ("{broken json " + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static Map<String, String> lakePartitions(Path lake) throws IOException {
        Path root = lake.resolve("events");
        Map<String, String> out = new HashMap<>();
        LakeFiles.forEachRow(
                lake,
                (f, r) ->
                        out.put(
                                r.get("event_id").toString(),
                                root.relativize(f.getParent()).toString()));
        return out;
    }

    /**
     * Dead letters by their source offset (the DLQ is at least once, so a replay may repeat one).
     */
    private static Map<String, String> deadLetters() {
        return deadLetters(DLQ);
    }

    private static Map<String, String> deadLetters(String dlq) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        Map<String, String> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(dlq, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            Set<Long> seen = new HashSet<>();
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    seen.add(r.offset());
                    out.put(
                            new String(
                                    r.headers().lastHeader(DeadLetterHeaders.SOURCE).value(),
                                    StandardCharsets.UTF_8),
                            new String(
                                    r.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                                    StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
