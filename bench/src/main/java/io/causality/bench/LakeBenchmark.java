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
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
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
 * <p>{@code LakeBenchmark <bootstrap servers> [events]}
 */
public final class LakeBenchmark {
    private LakeBenchmark() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        Path work =
                Path.of("target", "bench", "lake-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Files.createDirectories(work);
        String topic = "bench.lake." + UUID.randomUUID().toString().substring(0, 8);

        System.out.printf(
                "machine: %d cores, Java %s; %,d stored events%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                count);
        List<byte[]> events = storedEvents(count);
        System.out.printf(
                "average stored event: %.0f bytes%n",
                events.stream().mapToInt(b -> b.length).average().orElse(0));
        produce(bootstrap, topic, events);

        // The limit: parsed rows written straight through the same Parquet writer, one per
        // partition.
        List<LakeRow> rows = new ArrayList<>(events.size());
        for (byte[] e : events) {
            var node = EventJson.mapper().readTree(e);
            rows.add(
                    new LakeRow(
                            node.get("event_id").asText(),
                            node.get("app_id").asText(),
                            Timestamps.parse(node.get("timestamp").asText()).toEpochMilli(),
                            LakeRecords.values(node)));
        }
        Path direct = work.resolve("direct");
        long t0 = System.nanoTime();
        Map<String, BulkWriter<LakeRow>> writers = new HashMap<>();
        Map<String, FSDataOutputStream> streams = new HashMap<>();
        LakeWriterFactory factory = new LakeWriterFactory(CompressionCodecName.SNAPPY);
        for (LakeRow row : rows) {
            String partition = PartitionPath.of(row.appId, row.eventTime);
            BulkWriter<LakeRow> w = writers.get(partition);
            if (w == null) {
                Path file = direct.resolve("events").resolve(partition).resolve("part-0.parquet");
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
        double directRate = rows.size() / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(
                "%n== limit: rows straight to Parquet (same writer, one thread)%n  %,.0f rows/s%n",
                directRate);

        // The job, parallelism 1, reading the whole topic and committing at checkpoints.
        Path lake = work.resolve("job");
        Configuration config = JobEnvironment.configure(new Configuration());
        // As on the cluster: checkpoints on disk (the JobManager's memory takes only 5 MB of
        // state).
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, config);
        env.enableCheckpointing(10_000, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(topic)
                        .setGroupId("bench-lake")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new RawRecordDeserializer())
                        .build();
        Configuration job = new Configuration();
        job.set(WarehouseOptions.BOOTSTRAP_SERVERS, bootstrap);
        job.set(WarehouseOptions.DLQ_TOPIC, topic + ".dlq");
        WarehouseSettings settings = WarehouseSettings.forLake(lake.toUri().toString(), job);
        new WarehouseJob(
                        settings,
                        source,
                        WarehouseJob.lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()))
                .build(env);
        long j0 = System.nanoTime();
        env.execute("lake-benchmark");
        double jobSeconds = (System.nanoTime() - j0) / 1e9;
        double jobRate = count / jobSeconds;
        System.out.printf(
                "%n== WarehouseJob on a local Flink, parallelism 1 (Kafka source, parse + validate, dedup, Parquet sink)%n  %,.0f events/s per core (%.1f s including job start and the final checkpoint)%n",
                jobRate, jobSeconds);
        System.out.printf("  ratio job / limit: %.0f %%%n", 100 * jobRate / directRate);

        System.out.println("\n== files and bytes per partition (job output)");
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
            for (byte[] e : events) {
                producer.send(new ProducerRecord<>(topic, e));
            }
            producer.flush();
        }
        System.out.printf(
                "loaded %,d events into %s in %.1f s%n",
                events.size(), topic, (System.nanoTime() - t0) / 1e9);
    }
}
