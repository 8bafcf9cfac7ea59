package io.causality.jobs.warehouse;

import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.Deduplicator;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecord;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.ParameterTool;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Lands every event exactly once in Hive-partitioned Parquet: Kafka → parse (dead letters aside) →
 * drop duplicate event ids → Parquet files per app/day/hour, committed on checkpoints.
 */
public final class WarehouseJob {
    private final Source<RawRecord, ?, ?> events;
    private final Sink<LakeRow> lake;
    private final Sink<DeadLetter> deadLetters;
    private final Duration dedupTtl;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private MapFunction<LakeRow, LakeRow> beforeLake;

    public WarehouseJob(
            Source<RawRecord, ?, ?> events,
            Sink<LakeRow> lake,
            Sink<DeadLetter> deadLetters,
            Configuration config) {
        this.events = events;
        this.lake = lake;
        this.deadLetters = deadLetters;
        this.dedupTtl = config.get(WarehouseOptions.DEDUP_TTL);
        this.outOfOrderness = config.get(WarehouseOptions.OUT_OF_ORDERNESS);
        this.idleness = config.get(WarehouseOptions.IDLENESS);
    }

    /** A step just before the lake sink; tests use it to inject a failure after a checkpoint. */
    WarehouseJob withStepBeforeLake(MapFunction<LakeRow, LakeRow> step) {
        this.beforeLake = step;
        return this;
    }

    /** Adds the pipeline to the environment. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<LakeRow> parsed =
                env.fromSource(events, WatermarkStrategy.noWatermarks(), "events")
                        .uid("events-source")
                        .process(new EventParser())
                        .uid("parse-events")
                        .name("parse events");
        // Side outputs belong to the operator that emitted them: take them from the parser.
        parsed.getSideOutput(EventParser.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("dead-letter-sink")
                .name("dead letters");
        // Event time is known only after parsing, so watermarks are assigned here.
        DataStream<LakeRow> timed =
                parsed.assignTimestampsAndWatermarks(
                                WatermarkStrategy.<LakeRow>forBoundedOutOfOrderness(outOfOrderness)
                                        .withTimestampAssigner((row, ts) -> row.eventTime)
                                        .withIdleness(idleness))
                        .uid("event-time")
                        .name("event time");

        DataStream<LakeRow> unique =
                timed.keyBy(row -> row.eventId)
                        .process(new Deduplicator<LakeRow>(dedupTtl))
                        .returns(LakeRow.class)
                        .uid("dedup")
                        .name("drop duplicate event ids");
        if (beforeLake != null) {
            unique = unique.map(beforeLake).uid("before-lake").name("before lake");
        }
        unique.sinkTo(lake).uid("lake-sink").name("parquet lake");
    }

    /**
     * The Parquet file sink of the lake at {@code <path>/events}, compacting each partition's small
     * files into one once they reach the target size or after the given number of checkpoints.
     */
    public static FileSink<LakeRow> lakeSink(
            String path, String compression, MemorySize compactAt, int compactEveryCheckpoints) {
        CompressionCodecName codec =
                CompressionCodecName.valueOf(compression.toUpperCase(Locale.ROOT));
        if (compactEveryCheckpoints < 1) {
            throw new IllegalArgumentException(
                    "lake.compaction.checkpoints must be at least 1, got "
                            + compactEveryCheckpoints);
        }
        return FileSink.forBulkFormat(new Path(path, "events"), new LakeWriterFactory(codec))
                .withBucketAssigner(new PartitionPath())
                // Bulk formats roll on every checkpoint: that is what makes the files exactly-once.
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix("part")
                                .withPartSuffix(".parquet")
                                .build())
                .enableCompact(
                        FileCompactStrategy.Builder.newBuilder()
                                .setSizeThreshold(compactAt.getBytes())
                                .enableCompactionOnCheckpoint(compactEveryCheckpoints)
                                .setNumCompactThreads(1)
                                .build(),
                        new RecordWiseFileCompactor<>(new LakeFileReader.Factory()))
                .build();
    }

    /** The lake sink as the options say. */
    public static FileSink<LakeRow> lakeSink(Configuration config) {
        return lakeSink(
                config.get(WarehouseOptions.LAKE_PATH),
                config.get(WarehouseOptions.COMPRESSION),
                config.get(WarehouseOptions.COMPACTION_TARGET_SIZE),
                config.get(WarehouseOptions.COMPACTION_CHECKPOINTS));
    }

    public static KafkaSource<RawRecord> eventSource(Configuration config) {
        return KafkaEndpoints.eventSource(config, config.get(WarehouseOptions.GROUP_ID));
    }

    public static KafkaSink<DeadLetter> deadLetterSink(Configuration config) {
        return KafkaEndpoints.deadLetterSink(config);
    }

    /** {@code flink run … --lake.path s3://bucket/lake [--kafka.bootstrap-servers …] …} */
    public static void main(String[] args) throws Exception {
        Configuration config = ParameterTool.fromArgs(args).getConfiguration();
        if (!config.contains(WarehouseOptions.LAKE_PATH)) {
            throw new IllegalArgumentException(
                    "--lake.path is required: file:///… or s3://bucket/prefix");
        }
        StreamExecutionEnvironment env =
                JobEnvironment.create(config.get(WarehouseOptions.CHECKPOINT_INTERVAL));
        new WarehouseJob(eventSource(config), lakeSink(config), deadLetterSink(config), config)
                .build(env);
        env.execute("causality-warehouse");
    }
}
