package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.causality.contracts.DeadLetterHeaders;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobsMiniCluster;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecordDeserializer;
import io.causality.processes.KafkaBroker;
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
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        Map<String, String> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(DLQ, 0);
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
