package io.causality.jobs.warehouse;

import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.SettingsReader;
import io.causality.schemas.lake.DecisionTable;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * Everything the warehouse job runs with, validated: {@link #from} reports every bad option at
 * once, each with what to write instead.
 *
 * @param lakePath file:///… or s3://bucket/prefix; the job writes under {@code <path>/events}
 * @param compression SNAPPY or ZSTD
 */
public record WarehouseSettings(
        KafkaSettings kafka,
        String lakePath,
        String compression,
        MemorySize compactAt,
        int compactEveryCheckpoints,
        Duration dedupTtl,
        Duration outOfOrderness,
        Duration idleness,
        Duration checkpointInterval,
        String matchesTopic,
        String anomaliesTopic,
        String deliveriesTopic)
        implements Serializable {

    public static final List<String> COMPRESSIONS = List.of("SNAPPY", "ZSTD");

    /**
     * @throws IllegalArgumentException with every problem, one per line
     */
    public static WarehouseSettings from(Configuration config) {
        SettingsReader r = new SettingsReader(config);
        WarehouseSettings s =
                new WarehouseSettings(
                        KafkaSettings.read(r, WarehouseOptions.GROUP_ID.defaultValue()),
                        r.required(WarehouseOptions.LAKE_PATH, "s3://bucket/prefix"),
                        r.oneOf(WarehouseOptions.COMPRESSION, COMPRESSIONS),
                        r.get(WarehouseOptions.COMPACTION_TARGET_SIZE),
                        r.atLeast(WarehouseOptions.COMPACTION_CHECKPOINTS, 1),
                        r.positive(WarehouseOptions.DEDUP_TTL),
                        r.positive(WarehouseOptions.OUT_OF_ORDERNESS),
                        r.positive(WarehouseOptions.IDLENESS),
                        r.positive(WarehouseOptions.CHECKPOINT_INTERVAL),
                        r.nonBlank(WarehouseOptions.MATCHES_TOPIC),
                        r.nonBlank(WarehouseOptions.ANOMALIES_TOPIC),
                        r.nonBlank(WarehouseOptions.DELIVERIES_TOPIC));
        r.check("warehouse");
        return s;
    }

    /** The topic a decision table is read from. */
    public String topic(DecisionTable table) {
        return switch (table) {
            case RULE_MATCHES -> matchesTopic;
            case ANOMALIES -> anomaliesTopic;
            case DELIVERIES -> deliveriesTopic;
        };
    }

    /** The defaults, for a lake at the given path (tests and benchmarks). */
    public static WarehouseSettings forLake(String lakePath, Configuration overrides) {
        Configuration c = new Configuration(overrides);
        c.set(WarehouseOptions.LAKE_PATH, lakePath);
        return from(c);
    }
}
