package io.causality.contracts;

/**
 * The keys of the jobs' options ({@code --key value} on {@code flink run}), which the jobs declare
 * as typed options with defaults and the stack passes when it submits them.
 */
public final class OptionKeys {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
    public static final String KAFKA_EVENTS_TOPIC = "kafka.events-topic";
    public static final String KAFKA_DLQ_TOPIC = "kafka.dlq-topic";
    public static final String KAFKA_GROUP_ID = "kafka.group-id";
    public static final String KAFKA_RULES_TOPIC = "kafka.rules-topic";
    public static final String KAFKA_RULE_STATUS_TOPIC = "kafka.rule-status-topic";
    public static final String KAFKA_MATCHES_TOPIC = "kafka.matches-topic";
    public static final String KAFKA_ACTIONS_TOPIC = "kafka.actions-topic";
    public static final String KAFKA_TRANSACTIONAL_ID_PREFIX = "kafka.transactional-id-prefix";

    public static final String CHECKPOINT_INTERVAL = "checkpoint.interval";
    public static final String DEDUP_TTL = "dedup.ttl";
    public static final String WATERMARK_OUT_OF_ORDERNESS = "watermark.out-of-orderness";
    public static final String WATERMARK_IDLENESS = "watermark.idleness";

    public static final String LAKE_PATH = "lake.path";
    public static final String LAKE_COMPRESSION = "lake.compression";
    public static final String LAKE_COMPACTION_TARGET_SIZE = "lake.compaction.target-size";
    public static final String LAKE_COMPACTION_CHECKPOINTS = "lake.compaction.checkpoints";

    public static final String RULES_SUSPEND_AFTER_ERRORS = "rules.suspend-after-errors";
    public static final String RULES_SUSPEND_WINDOW = "rules.suspend-window";
    public static final String RULES_STARTUP_WAIT = "rules.startup-wait";

    private OptionKeys() {}
}
