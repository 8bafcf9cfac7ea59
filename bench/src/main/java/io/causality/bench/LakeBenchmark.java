package io.causality.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.EventEnricher;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RawRecordDeserializer;
import io.causality.jobs.warehouse.LakeRecords;
import io.causality.jobs.warehouse.LakeRow;
import io.causality.jobs.warehouse.LakeWriterFactory;
import io.causality.jobs.warehouse.PartitionPath;
import io.causality.jobs.warehouse.WarehouseJob;
import io.causality.jobs.warehouse.WarehouseOptions;
import io.causality.jobs.warehouse.WarehouseSettings;
import io.causality.schemas.EventJson;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.LakeSchema;
import io.causality.stack.demo.DemoTraffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Kafka → Parquet throughput of the WarehouseJob at parallelism 1 (events/s per core), beside the
 * limit: the same rows written straight to Parquet with the same writer, in one run. Also reports
 * files and bytes per partition.
 *
 * <p>{@code LakeBenchmark <bootstrap servers> [events] [rounds]}
 */
public final class LakeBenchmark {
    private LakeBenchmark() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work =
                Path.of("target", "bench", "lake-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Files.createDirectories(work);
        String topic = "bench.lake." + UUID.randomUUID().toString().substring(0, 8);

        System.out.printf(
                "machine: %d cores, Java %s; %,d stored events, %d rounds%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                count,
                rounds);
        List<byte[]> events = storedEvents(count);
        System.out.printf(
                "average stored event: %.0f bytes%n",
                events.stream().mapToInt(b -> b.length).average().orElse(0));
        produce(bootstrap, topic, events);

        // One untimed round of both warms the JIT (as the rules benchmark's warm-up pass does);
        // then the two alternate, each round the same rows, and the medians are compared.
        limit(events, work.resolve("warm-up-direct"));
        job(
                bootstrap,
                topic,
                count,
                work.resolve("warm-up-job"),
                work.resolve("warm-up-state"),
                -1);
        double[] limits = new double[rounds];
        double[] running = new double[rounds];
        double[] endToEnd = new double[rounds];
        Path lake = null;
        for (int r = 0; r < rounds; r++) {
            limits[r] = limit(events, work.resolve("direct-" + r));
            lake = work.resolve("job-" + r);
            Job job = job(bootstrap, topic, count, lake, work.resolve("state-" + r), r);
            running[r] = (count - 1) / job.running();
            endToEnd[r] = count / job.seconds();
            System.out.printf(
                    "round %d: limit %,8.0f rows/s | job running %,8.0f events/s (%3.0f %%)"
                            + " | end to end %,8.0f events/s (%3.0f %%): first event at the writer"
                            + " %.1f s after submission, last %.1f s, final savepoint done %.1f s%n",
                    r + 1,
                    limits[r],
                    running[r],
                    100 * running[r] / limits[r],
                    endToEnd[r],
                    100 * endToEnd[r] / limits[r],
                    job.allAtWriter() - job.running(),
                    job.allAtWriter(),
                    job.seconds());
        }
        double limit = median(limits);
        System.out.printf(
                "%n== limit: rows straight to Parquet (same writer, one thread), median%n"
                        + "  %,.0f rows/s%n",
                limit);
        System.out.printf(
                "== WarehouseJob on a local Flink, parallelism 1 (Kafka source, read, check, dedup,"
                        + " Parquet sink), median%n"
                        + "  running (first to last event at the writer): %,.0f events/s per core,"
                        + " %.0f %% of the limit%n"
                        + "  end to end (submission to the final savepoint, which includes starting"
                        + " a local Flink and the last compaction and commit): %,.0f events/s,"
                        + " %.0f %% of the limit%n",
                median(running),
                100 * median(running) / limit,
                median(endToEnd),
                100 * median(endToEnd) / limit);

        System.out.println("\n== files and bytes per partition (job output, last round)");
        Map<String, long[]> byPartition = new TreeMap<>();
        try (Stream<Path> files = Files.walk(lake.resolve("events"))) {
            for (Path f : files.filter(LakeSchema::isCommittedFile).toList()) {
                long[] agg =
                        byPartition.computeIfAbsent(
                                lake.resolve("events").relativize(f.getParent()).toString(),
                                k -> new long[2]);
                agg[0]++;
                agg[1] += Files.size(f);
            }
        }
        byPartition.forEach(
                (p, agg) ->
                        System.out.printf("  %-42s %3d files %,12d bytes%n", p, agg[0], agg[1]));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * The limit: parsed rows written straight through the job's Parquet writer, one file per
     * partition, one thread. Rows per second of writing; parsing them first is not timed.
     */
    static double limit(List<byte[]> events, Path dir) throws Exception {
        List<LakeRow> rows = new ArrayList<>(events.size());
        for (byte[] e : events) {
            var node = EventJson.mapper().readTree(e);
            rows.add(
                    new LakeRow(
                            node.get("event_id").asText(),
                            node.get("app_id").asText(),
                            Timestamps.parse(node.get("timestamp").asText()).toEpochMilli(),
                            LakeRecords.pack(e)));
        }
        long t0 = System.nanoTime();
        Map<String, BulkWriter<LakeRow>> writers = new HashMap<>();
        Map<String, FSDataOutputStream> streams = new HashMap<>();
        LakeWriterFactory factory = new LakeWriterFactory(CompressionCodecName.SNAPPY);
        for (LakeRow row : rows) {
            String partition = PartitionPath.of(row.appId, row.eventTime);
            BulkWriter<LakeRow> w = writers.get(partition);
            if (w == null) {
                Path file = dir.resolve("events").resolve(partition).resolve("part-0.parquet");
                Files.createDirectories(file.getParent());
                FSDataOutputStream out =
                        FileSystem.getLocalFileSystem()
                                .create(
                                        new org.apache.flink.core.fs.Path(file.toUri()),
                                        FileSystem.WriteMode.OVERWRITE);
                streams.put(partition, out);
                w = factory.create(out);
                writers.put(partition, w);
            }
            w.addElement(row);
        }
        for (var e : writers.entrySet()) {
            e.getValue().finish();
            streams.get(e.getKey()).close();
        }
        return rows.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** How long a job run took, and when its writer had had every event. */
    record Job(double seconds, double allAtWriter, double running) {}

    /**
     * The job, parallelism 1, reading the topic as it would on the cluster (unbounded, its own
     * consumer group), committing at checkpoints every 10 s, and stopped with a drained savepoint
     * once the lake's writer has had every event: timed from submission to the savepoint, which
     * compacts and commits the last files.
     */
    static Job job(String bootstrap, String topic, int count, Path lake, Path state, int round)
            throws Exception {
        Configuration config = JobEnvironment.configure(new Configuration());
        // As on the cluster: checkpoints on disk (the JobManager's memory takes only 5 MB of
        // state).
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                state.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, config);
        env.enableCheckpointing(10_000, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(topic)
                        .setGroupId("bench-lake-" + round)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
                        .build();
        Configuration job = new Configuration();
        job.set(WarehouseOptions.BOOTSTRAP_SERVERS, bootstrap);
        job.set(WarehouseOptions.DLQ_TOPIC, topic + ".dlq");
        WarehouseSettings settings = WarehouseSettings.forLake(lake.toUri().toString(), job);
        LakeRowsSeen.COUNT.set(0);
        new WarehouseJob(
                        settings,
                        source,
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()))
                .withStepBeforeLake(new LakeRowsSeen())
                .build(env);
        long j0 = System.nanoTime();
        JobClient client = env.executeAsync("lake-benchmark");
        while (LakeRowsSeen.COUNT.get() < count) {
            if (client.getJobStatus().get().isGloballyTerminalState()) {
                client.getJobExecutionResult().get();
                throw new IllegalStateException("the job ended before it had every event");
            }
            Thread.sleep(20); // polling a counter in this JVM; the job's end bounds it
        }
        double seen = (LakeRowsSeen.LAST.get() - j0) / 1e9;
        double running = (LakeRowsSeen.LAST.get() - LakeRowsSeen.FIRST.get()) / 1e9;
        // Drained: the sink ends its input, so the last files are compacted and committed as at
        // the end of a bounded run, without waiting for the next periodic checkpoint.
        client.stopWithSavepoint(
                        true,
                        state.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
        return new Job((System.nanoTime() - j0) / 1e9, seen, running);
    }

    /**
     * Counts the rows reaching the lake's writer, in this JVM (the local cluster runs the job
     * here), so that the run stops once the writer has had them all.
     */
    static final class LakeRowsSeen implements MapFunction<LakeRow, LakeRow> {
        private static final long serialVersionUID = 1L;
        static final AtomicLong COUNT = new AtomicLong();
        static final AtomicLong FIRST = new AtomicLong();
        static final AtomicLong LAST = new AtomicLong();

        @Override
        public LakeRow map(LakeRow row) {
            long now = System.nanoTime();
            if (COUNT.incrementAndGet() == 1) {
                FIRST.set(now);
            }
            LAST.set(now);
            return row;
        }
    }

    /** Demo traffic as the ingest stores it: valid, enriched, spread over the last six hours. */
    static List<byte[]> storedEvents(int count) throws IOException {
        Instant now = Instant.now();
        DemoTraffic traffic = new DemoTraffic(11, List.of("shop", "news", "game"), 0.0, now);
        EventEnricher enricher = new EventEnricher();
        List<byte[]> out = new ArrayList<>(count);
        // In chunks: only the bytes are kept, not the trees they were made from.
        while (out.size() < count) {
            for (DemoTraffic.DemoEvent e : traffic.generate(10_000)) {
                if (e.segment() || out.size() == count) {
                    continue;
                }
                ObjectNode event = e.body();
                event.remove("sent_at");
                event.put("timestamp", now.minusSeconds((out.size() * 7L) % (6 * 3600)).toString());
                enricher.enrich(
                        event,
                        new EventEnricher.Origin(e.app(), "203.0.113.7", "bench", "native", now));
                out.add(EventJson.mapper().writeValueAsBytes(event));
            }
        }
        return out;
    }

    static void produce(String bootstrap, String topic, List<byte[]> events) throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(admin)) {
            a.createTopics(
                            List.of(
                                    new NewTopic(topic, 1, (short) 1),
                                    new NewTopic(topic + ".dlq", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            // As the ingest stores them: with the header saying they passed the schemas.
            var validated =
                    List.<org.apache.kafka.common.header.Header>of(
                            new org.apache.kafka.common.header.internals.RecordHeader(
                                    io.causality.contracts.EventHeaders.VALIDATED,
                                    io.causality.schemas.Schemas.VERSION.getBytes(
                                            java.nio.charset.StandardCharsets.UTF_8)));
            for (byte[] e : events) {
                producer.send(new ProducerRecord<byte[], byte[]>(topic, null, null, e, validated));
            }
            producer.flush();
        }
        System.out.printf(
                "loaded %,d events into %s in %.1f s%n",
                events.size(), topic, (System.nanoTime() - t0) / 1e9);
    }
}
