package io.causality.jobs.reaction;

import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.SettingsReader;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Everything the reaction job runs with, validated: {@link #from} reports every bad option at once,
 * each with what to write instead.
 */
public record ReactionSettings(
        KafkaSettings kafka,
        String rulesTopic,
        String ruleStatusTopic,
        String matchesTopic,
        String actionsTopic,
        String transactionalIdPrefix,
        Duration checkpointInterval,
        Duration outOfOrderness,
        Duration idleness,
        Duration dedupTtl,
        RuleLimits limits)
        implements Serializable {

    /**
     * @throws IllegalArgumentException with every problem, one per line
     */
    public static ReactionSettings from(Configuration config) {
        SettingsReader r = new SettingsReader(config);
        ReactionSettings s =
                new ReactionSettings(
                        KafkaSettings.read(r, ReactionOptions.GROUP_ID.defaultValue()),
                        r.nonBlank(ReactionOptions.RULES_TOPIC),
                        r.nonBlank(ReactionOptions.RULE_STATUS_TOPIC),
                        r.nonBlank(ReactionOptions.MATCHES_TOPIC),
                        r.nonBlank(ReactionOptions.ACTIONS_TOPIC),
                        r.nonBlank(ReactionOptions.TRANSACTIONAL_ID_PREFIX),
                        r.positive(ReactionOptions.CHECKPOINT_INTERVAL),
                        r.positive(ReactionOptions.OUT_OF_ORDERNESS),
                        r.positive(ReactionOptions.IDLENESS),
                        r.positive(ReactionOptions.DEDUP_TTL),
                        new RuleLimits(
                                r.atLeast(ReactionOptions.SUSPEND_AFTER_ERRORS, 1),
                                r.positive(ReactionOptions.SUSPEND_WINDOW),
                                r.positive(ReactionOptions.STARTUP_WAIT),
                                RuleLimits.DEFAULT.heldAtMost()));
        r.check("reaction");
        return s;
    }

    /** The same settings with other limits (tests). */
    public ReactionSettings withLimits(RuleLimits other) {
        return new ReactionSettings(
                kafka,
                rulesTopic,
                ruleStatusTopic,
                matchesTopic,
                actionsTopic,
                transactionalIdPrefix,
                checkpointInterval,
                outOfOrderness,
                idleness,
                dedupTtl,
                other);
    }
}
