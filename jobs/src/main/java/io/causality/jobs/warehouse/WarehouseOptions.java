package io.causality.jobs.warehouse;

import io.causality.contracts.OptionKeys;
import io.causality.jobs.common.CommonOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Everything the warehouse job can be told, with defaults; read by {@link WarehouseSettings}. */
public final class WarehouseOptions {
    private WarehouseOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = CommonOptions.BOOTSTRAP_SERVERS;
    public static final ConfigOption<String> EVENTS_TOPIC = CommonOptions.EVENTS_TOPIC;
    public static final ConfigOption<String> DLQ_TOPIC = CommonOptions.DLQ_TOPIC;
    public static final ConfigOption<String> GROUP_ID =
            CommonOptions.groupId("causality-warehouse");
    public static final ConfigOption<Duration> DEDUP_TTL = CommonOptions.DEDUP_TTL;

    public static final ConfigOption<String> LAKE_PATH =
            ConfigOptions.key(OptionKeys.LAKE_PATH)
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where the events go: file:///… or s3://bucket/prefix; the job writes under <path>/events.");

    public static final ConfigOption<String> COMPRESSION =
            ConfigOptions.key(OptionKeys.LAKE_COMPRESSION)
                    .stringType()
                    .defaultValue("SNAPPY")
                    .withDescription("SNAPPY or ZSTD.");

    public static final ConfigOption<MemorySize> COMPACTION_TARGET_SIZE =
            ConfigOptions.key(OptionKeys.LAKE_COMPACTION_TARGET_SIZE)
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(128))
                    .withDescription(
                            "The small files of a partition are merged once they add up to this size.");

    public static final ConfigOption<Integer> COMPACTION_CHECKPOINTS =
            ConfigOptions.key(OptionKeys.LAKE_COMPACTION_CHECKPOINTS)
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "... or after this many checkpoints, whichever comes first. Files become visible when"
                                    + " compacted, so this times the checkpoint interval is the lake's delay.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key(OptionKeys.WATERMARK_OUT_OF_ORDERNESS)
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("Bound on how late events arrive, for watermarks.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key(OptionKeys.WATERMARK_IDLENESS)
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A partition without events for this long does not hold watermarks back.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key(OptionKeys.CHECKPOINT_INTERVAL)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Files become visible in the lake at each checkpoint.");

    /** The decision topics it lands beside the events: the producing jobs' own options. */
    public static final ConfigOption<String> MATCHES_TOPIC =
            io.causality.jobs.reaction.ReactionOptions.MATCHES_TOPIC;

    public static final ConfigOption<String> ANOMALIES_TOPIC =
            io.causality.jobs.anomaly.AnomalyOptions.ANOMALIES_TOPIC;

    public static final ConfigOption<String> DELIVERIES_TOPIC =
            io.causality.jobs.delivery.DeliveryOptions.DELIVERIES_TOPIC;
}
