package io.causality.contracts;

import java.util.List;

/**
 * The names the jobs register their metrics under (Flink's metric groups add the job, operator and
 * subtask), which the stack's demo reads back and docs/reaction.md explains.
 */
public final class MetricNames {
    /** Events dropped because their (app, event id) was seen before. */
    public static final String DUPLICATES_DROPPED = "duplicatesDropped";

    /** Records sent to the dead-letter topic. */
    public static final String DEAD_LETTERS = "deadLetters";

    public static final String RULE_MATCHES = "ruleMatches";
    public static final String RULES_ACTIVE = "rulesActive";
    public static final String RULES_REFUSED = "rulesRefused";

    /** Evaluations of a rule on an event that failed: "no match", dead letter, job goes on. */
    public static final String EVALUATION_ERRORS = "evaluationErrors";

    /** Rules suspended now (a gauge), and suspensions so far (a counter). */
    public static final String RULES_SUSPENDED = "rulesSuspended";

    public static final String RULE_SUSPENSIONS = "ruleSuspensions";

    /** Events held at start until the rules topic has been read (a gauge). */
    public static final String EVENTS_HELD_AT_START = "eventsHeldAtStart";

    /** Events evaluated before the rules topic had been read, because the wait ran out. */
    public static final String EVENTS_BEFORE_RULES = "eventsEvaluatedBeforeRules";

    public static final String SEQUENCE_MATCHES = "sequenceMatches";
    public static final String LATE_SEQUENCE_EVENTS = "lateSequenceEvents";
    public static final String SEQUENCE_EVENTS_WITHOUT_KEY = "sequenceEventsWithoutKey";

    /** Events a sequence had already counted within its window, counted once. */
    public static final String SEQUENCE_EVENTS_REPEATED = "sequenceEventsRepeated";

    /** Events for a rule the matcher never received within its wait: dead letters. */
    public static final String SEQUENCE_EVENTS_WITHOUT_RULE = "sequenceEventsWithoutRule";

    /** Partial matches of a savepoint from before sequences were keyed by app, dropped. */
    public static final String LEGACY_SEQUENCE_STATES_DROPPED = "legacySequenceStatesDropped";

    /** Webhooks answered 2xx. */
    public static final String DELIVERIES_DELIVERED = "deliveriesDelivered";

    /** Attempts that failed and will be tried again. */
    public static final String DELIVERIES_RETRIED = "deliveriesRetried";

    /** Deliveries that used every attempt: to the deliveries dead-letter topic. */
    public static final String DELIVERIES_FAILED = "deliveriesFailed";

    /** Deliveries never sent: unknown or disabled endpoint, address not allowed. */
    public static final String DELIVERIES_REFUSED = "deliveriesRefused";

    /**
     * Messages held back by an endpoint's gate (busy, breaker open, over its rate); not attempts.
     */
    public static final String DELIVERIES_DEFERRED = "deliveriesDeferred";

    /** Deliveries waiting in the scheduler for their time or their turn. */
    public static final String DELIVERIES_WAITING = "deliveriesWaiting";

    /** Endpoints whose circuit breaker is open now. */
    public static final String BREAKERS_OPEN = "breakersOpen";

    /** Endpoints the job disabled (410 Gone, or failing for too long). */
    public static final String ENDPOINTS_DISABLED = "endpointsDisabled";

    /** Attempt latency in milliseconds (a histogram of the last attempts). */
    public static final String ATTEMPT_LATENCY = "attemptLatencyMs";

    /** Detectors the anomaly job runs now (a gauge). */
    public static final String DETECTORS_ACTIVE = "detectorsActive";

    /** Detector records refused (invalid, or refused by this version's validator). */
    public static final String DETECTORS_REFUSED = "detectorsRefused";

    /** A group of a detector started firing; and resolved. */
    public static final String ANOMALIES_FIRING = "anomaliesFiring";

    public static final String ANOMALIES_RESOLVED = "anomaliesResolved";

    /** Windows closed and judged, one per group and window. */
    public static final String DETECTOR_WINDOWS = "detectorWindowsClosed";

    /** Events whose window had closed (beyond the detector's lateness): dead letters. */
    public static final String LATE_DETECTOR_EVENTS = "lateDetectorEvents";

    /** Events of a new group beyond the detector's group limit: counted, not kept. */
    public static final String DETECTOR_GROUPS_OVER_LIMIT = "detectorGroupsOverLimit";

    /** The reaction job's counters, as the demo shows them. */
    public static final List<String> REACTION =
            List.of(
                    DUPLICATES_DROPPED,
                    RULES_ACTIVE,
                    RULE_MATCHES,
                    SEQUENCE_MATCHES,
                    LATE_SEQUENCE_EVENTS,
                    SEQUENCE_EVENTS_WITHOUT_KEY,
                    SEQUENCE_EVENTS_REPEATED,
                    EVALUATION_ERRORS,
                    RULES_REFUSED,
                    RULES_SUSPENDED,
                    DEAD_LETTERS);

    private MetricNames() {}
}
