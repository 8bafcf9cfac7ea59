package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.causality.jobs.reaction.ReactionSettings;
import io.causality.jobs.warehouse.WarehouseSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** A job refuses to start with every bad option at once, each saying what to write instead. */
class JobSettingsTest {
    @Test
    void theWarehouseListsEveryProblemWithItsFix() {
        Configuration c =
                Configuration.fromMap(
                        Map.of(
                                "lake.compression", "snapy",
                                "lake.compaction.checkpoints", "0",
                                "checkpoint.interval", "soon",
                                "dedup.ttl", "0s",
                                "kafka.bootstrap-servers", " "));
        assertThatThrownBy(() -> WarehouseSettings.from(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the warehouse job cannot start:")
                .hasMessageContaining("lake.path is required, e.g. --lake.path s3://bucket/prefix")
                .hasMessageContaining("lake.compression must be SNAPPY or ZSTD, got snapy")
                .hasMessageContaining("lake.compaction.checkpoints must be at least 1, got 0")
                .hasMessageContaining(
                        "checkpoint.interval: cannot read 'soon'; write a positive duration such as"
                                + " 30s, 10min or 1h")
                .hasMessageContaining("dedup.ttl must be longer than 0, got PT0S")
                .hasMessageContaining("kafka.bootstrap-servers must not be empty");
    }

    @Test
    void validOptionsAreTypedWithTheirDefaults() {
        WarehouseSettings w =
                WarehouseSettings.from(
                        Configuration.fromMap(
                                Map.of("lake.path", "s3://lake/x", "lake.compression", "zstd")));
        assertThat(w.compression()).isEqualTo("ZSTD");
        assertThat(w.kafka().groupId()).isEqualTo("causality-warehouse");
        assertThat(w.checkpointInterval()).isEqualTo(Duration.ofSeconds(30));

        ReactionSettings r = ReactionSettings.from(new Configuration());
        assertThat(r.kafka().groupId()).isEqualTo("causality-reaction");
        assertThat(r.rulesTopic()).isEqualTo("causality.rules");
        assertThat(r.ruleStatusTopic()).isEqualTo("causality.rule-status");
        assertThat(r.limits().suspendAfterErrors()).isEqualTo(100);
    }

    @Test
    void theReactionJobRefusesLimitsThatCannotWork() {
        Configuration c =
                Configuration.fromMap(
                        Map.of(
                                "rules.suspend-after-errors", "0",
                                "rules.startup-wait", "0s",
                                "kafka.rules-topic", ""));
        assertThatThrownBy(() -> ReactionSettings.from(c))
                .hasMessageContaining("rules.suspend-after-errors must be at least 1, got 0")
                .hasMessageContaining("rules.startup-wait must be longer than 0")
                .hasMessageContaining("kafka.rules-topic must not be empty");
    }
}
