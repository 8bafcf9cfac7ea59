package io.causality.jobs.anomaly;

import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.SettingsReader;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Everything the anomaly job runs with, validated: {@link #from} reports every bad option at once,
 * each with what to write instead.
 */
public record AnomalySettings(
        KafkaSettings kafka,
        String rulesTopic,
        String anomaliesTopic,
        String actionsTopic,
        String transactionalIdPrefix,
        Duration checkpointInterval,
        Duration outOfOrderness,
        Duration idleness,
        Duration dedupTtl,
        Duration groupExpiry)
        implements Serializable {

    /**
     * @throws IllegalArgumentException with every problem, one per line
     */
    public static AnomalySettings from(Configuration config) {
        SettingsReader r = new SettingsReader(config);
        AnomalySettings s =
                new AnomalySettings(
                        KafkaSettings.read(r, AnomalyOptions.GROUP_ID.defaultValue()),
                        r.nonBlank(AnomalyOptions.RULES_TOPIC),
                        r.nonBlank(AnomalyOptions.ANOMALIES_TOPIC),
                        r.nonBlank(AnomalyOptions.ACTIONS_TOPIC),
                        r.nonBlank(AnomalyOptions.TRANSACTIONAL_ID_PREFIX),
                        r.positive(AnomalyOptions.CHECKPOINT_INTERVAL),
                        r.positive(AnomalyOptions.OUT_OF_ORDERNESS),
                        r.positive(AnomalyOptions.IDLENESS),
                        r.positive(AnomalyOptions.DEDUP_TTL),
                        r.positive(AnomalyOptions.GROUP_EXPIRY));
        r.check("anomaly");
        return s;
    }
}
