package io.causality.contracts;

/**
 * The keys of the jobs' options ({@code --key value} on {@code flink run}), which the jobs declare
 * as typed options with defaults and the stack passes when it submits them.
 */
public final class OptionKeys {
    /** The name a job runs under on the cluster (a second run of a job needs its own). */
    public static final String JOB_NAME = "job.name";

    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
    public static final String KAFKA_EVENTS_TOPIC = "kafka.events-topic";
    public static final String KAFKA_DLQ_TOPIC = "kafka.dlq-topic";
    public static final String KAFKA_GROUP_ID = "kafka.group-id";
    public static final String KAFKA_RULES_TOPIC = "kafka.rules-topic";
    public static final String KAFKA_RULE_STATUS_TOPIC = "kafka.rule-status-topic";
    public static final String KAFKA_MATCHES_TOPIC = "kafka.matches-topic";
    public static final String KAFKA_ACTIONS_TOPIC = "kafka.actions-topic";
    public static final String KAFKA_ANOMALIES_TOPIC = "kafka.anomalies-topic";
    public static final String ANOMALY_GROUP_EXPIRY = "anomaly.group-expiry";
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

    public static final String KAFKA_RETRY_TOPIC = "kafka.retry-topic";
    public static final String KAFKA_DELIVERIES_TOPIC = "kafka.deliveries-topic";
    public static final String DB_URL = "db.url";
    public static final String DB_USER = "db.user";
    public static final String DB_PASSWORD_FILE = "db.password-file";
    public static final String DELIVERY_SECRET_KEY_FILE = "delivery.secret-key-file";
    public static final String DELIVERY_ALLOWED_NETWORKS = "delivery.allowed-networks";
    public static final String DELIVERY_ALLOW_HTTP = "delivery.allow-http";
    public static final String DELIVERY_TIMEOUT = "delivery.timeout";
    public static final String DELIVERY_CAPACITY = "delivery.capacity";
    public static final String DELIVERY_MAX_IN_FLIGHT_PER_ENDPOINT =
            "delivery.max-in-flight-per-endpoint";
    public static final String DELIVERY_BREAKER_FAILURES = "delivery.breaker-failures";
    public static final String DELIVERY_BREAKER_OPEN = "delivery.breaker-open";
    public static final String DELIVERY_ENDPOINT_REFRESH = "delivery.endpoint-refresh";
    public static final String DELIVERY_DISABLE_AFTER = "delivery.disable-after";

    private OptionKeys() {}
}
