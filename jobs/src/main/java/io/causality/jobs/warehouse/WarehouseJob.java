package io.causality.jobs.warehouse;

import io.causality.contracts.JobNames;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventReader;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.UniqueEvents;
import io.causality.schemas.lake.DecisionTable;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.ParameterTool;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Lands every event exactly once in Hive-partitioned Parquet: Kafka → read events → rows checked
 * against the schemas → unique events (by app and event id) → Parquet files per app/day/hour,
 * committed on checkpoints. What cannot be read goes to the dead-letter topic with the reason.
 */
public final class WarehouseJob {
    private final WarehouseSettings settings;
    private final Source<RawRecord, ?, ?> events;
    private final Sink<LakeRow> lake;
    private final Sink<DeadLetter> deadLetters;
    private MapFunction<LakeRow, LakeRow> beforeLake;
    private final Map<DecisionTable, Source<RawRecord, ?, ?>> decisionSources =
            new EnumMap<>(DecisionTable.class);
    private final Map<DecisionTable, Sink<DecisionRow>> decisionSinks =
            new EnumMap<>(DecisionTable.class);

    public WarehouseJob(
            WarehouseSettings settings,
            Source<RawRecord, ?, ?> events,
            Sink<LakeRow> lake,
            Sink<DeadLetter> deadLetters) {
        this.settings = settings;
        this.events = events;
        this.lake = lake;
        this.deadLetters = deadLetters;
    }

    /** The job with the sources and sinks the settings name, the decision tables included. */
    public static WarehouseJob production(WarehouseSettings settings) {
        WarehouseJob job =
                new WarehouseJob(
                        settings,
                        KafkaEndpoints.eventSource(settings.kafka()),
                        lakeSink(settings),
                        KafkaEndpoints.deadLetterSink(settings.kafka()));
        KafkaSettings k = settings.kafka();
        for (DecisionTable t : DecisionTable.values()) {
            job.withDecisions(
                    t,
                    KafkaEndpoints.eventSource(
                            new KafkaSettings(
                                    k.bootstrapServers(),
                                    settings.topic(t),
                                    k.dlqTopic(),
                                    k.groupId() + "-" + t.table())),
                    decisionSink(settings, t));
        }
        return job;
    }

    /**
     * Also lands the records of a decision topic in its table (docs/lake.md): read committed,
     * checked against the table's schema, written as they are (each record is one decision, written
     * once by its job: nothing to deduplicate).
     */
    public WarehouseJob withDecisions(
            DecisionTable table, Source<RawRecord, ?, ?> source, Sink<DecisionRow> sink) {
        decisionSources.put(table, source);
        decisionSinks.put(table, sink);
        return this;
    }

    /**
     * A step just before the lake sink, for tests (a failure injected after a checkpoint) and
     * benchmarks (counting what reached the writer); production jobs have none.
     */
    public WarehouseJob withStepBeforeLake(MapFunction<LakeRow, LakeRow> step) {
        this.beforeLake = step;
        return this;
    }

    /** Adds the pipeline to the environment. */
    public void build(StreamExecutionEnvironment env) {
        // No operator of this job keeps a record after passing it on (the writer turns each row
        // into Parquet at once), so chained operators can hand records over without a copy.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<EventRecord> read =
                env.fromSource(events, WatermarkStrategy.noWatermarks(), "events")
                        .uid("events-source")
                        .process(new EventReader(EventParser.JOB))
                        .uid(EventReader.UID)
                        .name("read events");
        // Parsed where they are read (on the source's thread), so the shuffle carries rows and
        // the lake's writer has its thread to itself.
        SingleOutputStreamOperator<LakeRow> parsed =
                read.process(new EventParser()).uid("parse-events").name("check events");
        // Side outputs belong to the operators that emitted them.
        DataStream<DeadLetter> letters =
                read.getSideOutput(DeadLetters.TAG).union(parsed.getSideOutput(DeadLetters.TAG));
        for (var d : decisionSources.entrySet()) {
            String table = d.getKey().table();
            SingleOutputStreamOperator<DecisionRow> rows =
                    env.fromSource(d.getValue(), WatermarkStrategy.noWatermarks(), table)
                            .uid("decisions-" + table + "-source")
                            .process(new DecisionParser(d.getKey()))
                            .uid("decisions-" + table + "-check")
                            .name("check " + table);
            rows.sinkTo(decisionSinks.get(d.getKey()))
                    .uid("decisions-" + table + "-sink")
                    .name("parquet " + table);
            letters = letters.union(rows.getSideOutput(DeadLetters.TAG));
        }
        letters.sinkTo(deadLetters).uid("dead-letter-sink").name("dead letters");
        DataStream<LakeRow> timed =
                UniqueEvents.of(parsed, LakeRow.class, settings.dedupTtl())
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<LakeRow>forBoundedOutOfOrderness(
                                                settings.outOfOrderness())
                                        .withTimestampAssigner((row, ts) -> row.eventTime)
                                        .withIdleness(settings.idleness()))
                        .uid("event-time")
                        .name("event time");
        if (beforeLake != null) {
            timed = timed.map(beforeLake).uid("before-lake").name("before lake");
        }
        timed.sinkTo(lake).uid("lake-sink").name("parquet lake");
    }

    /** Part files of every table: {@code part-<uuid>-<n>.parquet}. */
    private static final OutputFileConfig PART_FILES =
            OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build();

    /**
     * The Parquet file sink of the lake at {@code <path>/events}, compacting each partition's small
     * files into one once they reach the target size or after the given number of checkpoints.
     */
    public static FileSink<LakeRow> lakeSink(WarehouseSettings settings) {
        CompressionCodecName codec =
                CompressionCodecName.valueOf(settings.compression().toUpperCase(Locale.ROOT));
        LakeWriterFactory writer = new LakeWriterFactory(codec);
        return FileSink.forBulkFormat(new Path(settings.lakePath(), "events"), writer)
                .withBucketAssigner(new PartitionPath())
                // Bulk formats roll on every checkpoint: that is what makes the files exactly-once.
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(PART_FILES)
                .enableCompact(
                        FileCompactStrategy.Builder.newBuilder()
                                .setSizeThreshold(settings.compactAt().getBytes())
                                .enableCompactionOnCheckpoint(settings.compactEveryCheckpoints())
                                .setNumCompactThreads(1)
                                .build(),
                        new LakeFileMerger(writer))
                .build();
    }

    /**
     * The Parquet file sink of a decision table at {@code <path>/<table>}, a file per partition and
     * checkpoint. Decisions are few beside the events, so their files are not compacted.
     */
    public static FileSink<DecisionRow> decisionSink(
            WarehouseSettings settings, DecisionTable table) {
        CompressionCodecName codec =
                CompressionCodecName.valueOf(settings.compression().toUpperCase(Locale.ROOT));
        return FileSink.forBulkFormat(
                        new Path(settings.lakePath(), table.table()),
                        new DecisionWriterFactory(table, codec))
                .withBucketAssigner(new DecisionPartition())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(PART_FILES)
                .build();
    }

    /** {@code flink run … --lake.path s3://bucket/lake [--kafka.bootstrap-servers …] …} */
    public static void main(String[] args) throws Exception {
        WarehouseSettings settings =
                WarehouseSettings.from(ParameterTool.fromArgs(args).getConfiguration());
        StreamExecutionEnvironment env = JobEnvironment.create(settings.checkpointInterval());
        production(settings).build(env);
        env.execute(JobNames.WAREHOUSE);
    }
}
