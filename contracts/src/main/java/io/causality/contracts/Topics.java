package io.causality.contracts;

import java.util.List;

/**
 * The Kafka topics of DESIGN.md: default names (every job and the ingest can be told others), and
 * how each is laid out when the stack creates it.
 */
public final class Topics {
    public static final String EVENTS = "causality.events";
    public static final String EVENTS_DLQ = "causality.events.dlq";
    public static final String RULES = "causality.rules";

    /** What the jobs say about each rule they run: suspended or refused, with the last error. */
    public static final String RULE_STATUS = "causality.rule-status";

    public static final String ACTIONS = "causality.actions";
    public static final String RULE_MATCHES = "causality.rule-matches";
    public static final String ANOMALIES = "causality.anomalies";
    public static final String DELIVERIES_DLQ = "causality.deliveries.dlq";

    /**
     * How each delivery ended (delivered, failed, refused), one record per ending, written by the
     * delivery job exactly once: the lake's {@code deliveries} table.
     */
    public static final String DELIVERIES = "causality.deliveries";

    /**
     * Deliveries waiting for their next attempt (or for the message before them on an ordered
     * endpoint), written and read by the delivery job itself: the long tail of retries waits here
     * and in timers, never in the job's async capacity.
     */
    public static final String DELIVERIES_RETRY = "causality.deliveries.retry";

    /** A topic as the stack creates it; compacted topics keep the last record per key. */
    public record Spec(String name, int partitions, boolean compacted) {}

    private Topics() {}

    public static List<Spec> all() {
        return List.of(
                new Spec(EVENTS, 3, false),
                new Spec(EVENTS_DLQ, 1, false),
                new Spec(RULES, 1, true),
                new Spec(RULE_STATUS, 1, true),
                new Spec(ACTIONS, 3, false),
                new Spec(RULE_MATCHES, 1, false),
                new Spec(ANOMALIES, 1, false),
                new Spec(DELIVERIES_DLQ, 1, false),
                new Spec(DELIVERIES_RETRY, 3, false),
                new Spec(DELIVERIES, 1, false));
    }
}
