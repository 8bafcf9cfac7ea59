package io.causality.jobs.delivery;

import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.SettingsReader;
import io.causality.webhooks.AddressPolicy;
import io.causality.webhooks.RetrySchedule;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * Everything the delivery job runs with, validated: {@link #from} reports every bad option at once,
 * each with what to write instead. Secrets are not in here, only the files that hold them.
 */
public record DeliverySettings(
        KafkaSettings kafka,
        String actionsTopic,
        String retryTopic,
        String deliveriesDlqTopic,
        String deliveriesTopic,
        String transactionalIdPrefix,
        Duration checkpointInterval,
        String dbUrl,
        String dbUser,
        String dbPasswordFile,
        String secretKeyFile,
        String allowedNetworks,
        boolean allowHttp,
        Duration timeout,
        int capacity,
        int maxInFlightPerEndpoint,
        int breakerFailures,
        Duration breakerOpen,
        Duration endpointRefresh,
        Duration disableAfter,
        List<Duration> retrySchedule)
        implements Serializable {

    /**
     * @throws IllegalArgumentException with every problem, one per line
     */
    public static DeliverySettings from(Configuration config) {
        SettingsReader r = new SettingsReader(config);
        DeliverySettings s =
                new DeliverySettings(
                        new KafkaSettings(
                                r.nonBlank(DeliveryOptions.BOOTSTRAP_SERVERS),
                                r.nonBlank(DeliveryOptions.ACTIONS_TOPIC),
                                r.nonBlank(DeliveryOptions.DLQ_TOPIC),
                                r.nonBlank(DeliveryOptions.GROUP_ID)),
                        r.nonBlank(DeliveryOptions.ACTIONS_TOPIC),
                        r.nonBlank(DeliveryOptions.RETRY_TOPIC),
                        r.nonBlank(DeliveryOptions.DELIVERIES_DLQ_TOPIC),
                        r.nonBlank(DeliveryOptions.DELIVERIES_TOPIC),
                        r.nonBlank(DeliveryOptions.TRANSACTIONAL_ID_PREFIX),
                        r.positive(DeliveryOptions.CHECKPOINT_INTERVAL),
                        r.required(
                                DeliveryOptions.DB_URL,
                                "jdbc:postgresql://127.0.0.1:5432/postgres"),
                        r.nonBlank(DeliveryOptions.DB_USER),
                        r.get(DeliveryOptions.DB_PASSWORD_FILE),
                        r.required(
                                DeliveryOptions.SECRET_KEY_FILE,
                                "/etc/causality/delivery-secret-key"),
                        r.get(DeliveryOptions.ALLOWED_NETWORKS),
                        r.get(DeliveryOptions.ALLOW_HTTP),
                        r.positive(DeliveryOptions.TIMEOUT),
                        r.atLeast(DeliveryOptions.CAPACITY, 1),
                        r.atLeast(DeliveryOptions.MAX_IN_FLIGHT_PER_ENDPOINT, 1),
                        r.atLeast(DeliveryOptions.BREAKER_FAILURES, 1),
                        r.positive(DeliveryOptions.BREAKER_OPEN),
                        r.positive(DeliveryOptions.ENDPOINT_REFRESH),
                        r.positive(DeliveryOptions.DISABLE_AFTER),
                        schedule(r));
        try {
            AddressPolicy.allowing(s.allowedNetworks());
        } catch (IllegalArgumentException e) {
            r.problem("delivery.allowed-networks: " + e.getMessage());
        }
        r.check("delivery");
        return s;
    }

    private static List<Duration> schedule(SettingsReader r) {
        try {
            return new ArrayList<>(RetrySchedule.parse(r.get(DeliveryOptions.RETRY_SCHEDULE)));
        } catch (IllegalArgumentException e) {
            r.problem("delivery.retry-schedule: " + e.getMessage());
            return new ArrayList<>(RetrySchedule.DELAYS);
        }
    }
}
