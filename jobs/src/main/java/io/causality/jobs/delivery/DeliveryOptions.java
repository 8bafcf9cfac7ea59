package io.causality.jobs.delivery;

import io.causality.contracts.OptionKeys;
import io.causality.contracts.Topics;
import io.causality.jobs.common.CommonOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Everything the delivery job can be told, with defaults; read by {@link DeliverySettings}. */
public final class DeliveryOptions {
    private DeliveryOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = CommonOptions.BOOTSTRAP_SERVERS;
    public static final ConfigOption<String> DLQ_TOPIC = CommonOptions.DLQ_TOPIC;
    public static final ConfigOption<String> GROUP_ID = CommonOptions.groupId("causality-delivery");

    public static final ConfigOption<String> ACTIONS_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_ACTIONS_TOPIC)
                    .stringType()
                    .defaultValue(Topics.ACTIONS)
                    .withDescription("The actions to deliver (read_committed).");

    public static final ConfigOption<String> RETRY_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_RETRY_TOPIC)
                    .stringType()
                    .defaultValue(Topics.DELIVERIES_RETRY)
                    .withDescription(
                            "Deliveries waiting for their next attempt; the job's own loop.");

    public static final ConfigOption<String> DELIVERIES_DLQ_TOPIC =
            ConfigOptions.key("kafka.deliveries-dlq-topic")
                    .stringType()
                    .defaultValue(Topics.DELIVERIES_DLQ)
                    .withDescription(
                            "Deliveries that used every attempt or were refused, with their attempts; replayable.");

    public static final ConfigOption<String> DELIVERIES_TOPIC =
            ConfigOptions.key(OptionKeys.KAFKA_DELIVERIES_TOPIC)
                    .stringType()
                    .defaultValue(Topics.DELIVERIES)
                    .withDescription(
                            "How each delivery ended, exactly once: the lake's deliveries table.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key(OptionKeys.KAFKA_TRANSACTIONAL_ID_PREFIX)
                    .stringType()
                    .defaultValue("causality-delivery")
                    .withDescription(
                            "Prefix of the Kafka transactions of the emit sink; unique per job.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key(OptionKeys.CHECKPOINT_INTERVAL)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Emitted records become visible to read_committed readers at each checkpoint.");

    public static final ConfigOption<String> DB_URL =
            ConfigOptions.key(OptionKeys.DB_URL)
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PostgreSQL with the endpoints and the delivery log, jdbc:postgresql://...");

    public static final ConfigOption<String> DB_USER =
            ConfigOptions.key(OptionKeys.DB_USER)
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription("Database user.");

    public static final ConfigOption<String> DB_PASSWORD_FILE =
            ConfigOptions.key(OptionKeys.DB_PASSWORD_FILE)
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "A file holding the database password (never an argument: Flink shows those).");

    public static final ConfigOption<String> SECRET_KEY_FILE =
            ConfigOptions.key(OptionKeys.DELIVERY_SECRET_KEY_FILE)
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A file holding delivery.secret-key, which seals the endpoints' secrets.");

    public static final ConfigOption<String> ALLOWED_NETWORKS =
            ConfigOptions.key(OptionKeys.DELIVERY_ALLOWED_NETWORKS)
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Networks webhooks may go to although they are not public, as CIDRs: 127.0.0.1/32, 10.0.0.0/8.");

    public static final ConfigOption<Boolean> ALLOW_HTTP =
            ConfigOptions.key(OptionKeys.DELIVERY_ALLOW_HTTP)
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Deliver to http:// URLs too (local receivers); else https:// only.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key(OptionKeys.DELIVERY_TIMEOUT)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription(
                            "One attempt, from connecting to the last byte of the answer.");

    public static final ConfigOption<Integer> CAPACITY =
            ConfigOptions.key(OptionKeys.DELIVERY_CAPACITY)
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Attempts in flight at once per subtask (Flink async I/O capacity).");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_PER_ENDPOINT =
            ConfigOptions.key(OptionKeys.DELIVERY_MAX_IN_FLIGHT_PER_ENDPOINT)
                    .intType()
                    .defaultValue(10)
                    .withDescription("Attempts in flight to one endpoint at once per subtask.");

    public static final ConfigOption<Integer> BREAKER_FAILURES =
            ConfigOptions.key(OptionKeys.DELIVERY_BREAKER_FAILURES)
                    .intType()
                    .defaultValue(5)
                    .withDescription("Failures in a row that open an endpoint's circuit breaker.");

    public static final ConfigOption<Duration> BREAKER_OPEN =
            ConfigOptions.key(OptionKeys.DELIVERY_BREAKER_OPEN)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("How long an open breaker sends nothing before one trial.");

    public static final ConfigOption<Duration> ENDPOINT_REFRESH =
            ConfigOptions.key(OptionKeys.DELIVERY_ENDPOINT_REFRESH)
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription("How often the job checks PostgreSQL for changed endpoints.");

    public static final ConfigOption<Duration> DISABLE_AFTER =
            ConfigOptions.key(OptionKeys.DELIVERY_DISABLE_AFTER)
                    .durationType()
                    .defaultValue(Duration.ofDays(5))
                    .withDescription(
                            "An endpoint failing this long without a success is disabled.");

    public static final ConfigOption<String> RETRY_SCHEDULE =
            ConfigOptions.key("delivery.retry-schedule")
                    .stringType()
                    .defaultValue("5s,5m,30m,2h,5h,10h,10h")
                    .withDescription(
                            "The delays before the attempts after the first, each moved by up to 20 %"
                                    + " (Svix's schedule by default).");
}
