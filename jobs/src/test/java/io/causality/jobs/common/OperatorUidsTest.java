package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.jobs.delivery.DeliveryJob;
import io.causality.jobs.delivery.DeliveryOptions;
import io.causality.jobs.delivery.DeliverySettings;
import io.causality.jobs.reaction.ReactionJob;
import io.causality.jobs.reaction.ReactionSettings;
import io.causality.jobs.warehouse.WarehouseJob;
import io.causality.jobs.warehouse.WarehouseSettings;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The uids of the jobs' operators are their savepoint contract: a savepoint's state is found again
 * by uid. This fails when one changes or goes (say so in docs/upgrades.md, with how the state
 * moves, before changing the list); the jobs refuse to build without a uid on every operator
 * ({@code pipeline.auto-generate-uids: false}).
 */
class OperatorUidsTest {
    private static TreeMap<String, String> uids(StreamExecutionEnvironment env) {
        TreeMap<String, String> out = new TreeMap<>();
        for (StreamNode n : env.getStreamGraph(false).getStreamNodes()) {
            out.put(n.getTransformationUID(), n.getOperatorName());
        }
        return out;
    }

    private static StreamExecutionEnvironment env() {
        return StreamExecutionEnvironment.getExecutionEnvironment(
                JobEnvironment.configure(new Configuration()));
    }

    @Test
    void theWarehouseJobKeepsItsUids() {
        StreamExecutionEnvironment env = env();
        WarehouseJob.production(WarehouseSettings.forLake("file:///lake", new Configuration()))
                .build(env);
        assertThat(uids(env).keySet())
                .containsExactlyElementsOf(
                        List.of(
                                "Sink Committer: dead-letter-sink",
                                "Sink Committer: decisions-anomalies-sink",
                                "Sink Committer: decisions-deliveries-sink",
                                "Sink Committer: decisions-rule_matches-sink",
                                "Sink Committer: lake-sink",
                                "dead-letter-sink",
                                "decisions-anomalies-check",
                                "decisions-anomalies-sink",
                                "decisions-anomalies-source",
                                "decisions-deliveries-check",
                                "decisions-deliveries-sink",
                                "decisions-deliveries-source",
                                "decisions-rule_matches-check",
                                "decisions-rule_matches-sink",
                                "decisions-rule_matches-source",
                                "dedup",
                                "event-time",
                                "events-source",
                                "lake-sink",
                                "lake-sink: FileSinkCompactorCoordinator",
                                "lake-sink: FileSinkCompactorOperator",
                                "parse-events",
                                "read-events"));
    }

    @Test
    void theReactionJobKeepsItsUids() {
        StreamExecutionEnvironment env = env();
        ReactionJob.production(ReactionSettings.from(new Configuration())).build(env);
        assertThat(uids(env).keySet())
                .containsExactlyElementsOf(
                        List.of(
                                "Sink Committer: actions-sink",
                                "Sink Committer: dead-letter-sink",
                                "Sink Committer: matches-sink",
                                "Sink Committer: rule-status-sink",
                                "actions-sink",
                                "dead-letter-sink",
                                "dedup",
                                "evaluate-rules",
                                "events-source",
                                "match-sequences",
                                "matches-sink",
                                "read-events",
                                "rule-status-sink",
                                "rules-source",
                                "split-actions"));
    }

    @Test
    void theAnomalyJobKeepsItsUids() {
        StreamExecutionEnvironment env = env();
        io.causality.jobs.anomaly.AnomalyJob.production(
                        io.causality.jobs.anomaly.AnomalySettings.from(new Configuration()))
                .build(env);
        assertThat(uids(env).keySet())
                .containsExactlyElementsOf(
                        List.of(
                                "Sink Committer: actions-sink",
                                "Sink Committer: anomalies-sink",
                                "Sink Committer: dead-letter-sink",
                                "actions-sink",
                                "anomalies-sink",
                                "dead-letter-sink",
                                "dedup",
                                "detect-anomalies",
                                "events-source",
                                "read-events",
                                "rules-source",
                                "split-actions"));
    }

    @Test
    void theDeliveryJobKeepsItsUids() {
        StreamExecutionEnvironment env = env();
        Configuration config = new Configuration();
        config.set(DeliveryOptions.DB_URL, "jdbc:postgresql://127.0.0.1:5432/postgres");
        config.set(DeliveryOptions.SECRET_KEY_FILE, "/nonexistent/key");
        DeliveryJob.production(DeliverySettings.from(config)).build(env);
        assertThat(uids(env).keySet())
                .containsExactlyElementsOf(
                        List.of(
                                "Sink Committer: attempt-log-sink",
                                "Sink Committer: dead-letter-sink",
                                "Sink Committer: deliveries-dlq-sink",
                                "Sink Committer: deliveries-sink",
                                "Sink Committer: delivery-log-sink",
                                "Sink Committer: emit-sink",
                                "Sink Committer: retry-sink",
                                "actions-source",
                                "attempt-log-sink",
                                "dead-letter-sink",
                                "deliveries-dlq-sink",
                                "deliveries-sink",
                                "delivery-log-sink",
                                "emit-sink",
                                "ended",
                                "given-up",
                                "logged-attempts",
                                "logged-deliveries",
                                "next-turns",
                                "read-actions",
                                "read-retries",
                                "retries-source",
                                "retry-sink",
                                "schedule-deliveries",
                                "send-webhooks"));
    }
}
