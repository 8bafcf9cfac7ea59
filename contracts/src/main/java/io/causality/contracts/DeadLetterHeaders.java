package io.causality.contracts;

/**
 * The headers of a record in a dead-letter topic. Its value is the original bytes, so a replay is a
 * plain copy back to the source topic; why it is there and where it came from are headers.
 */
public final class DeadLetterHeaders {
    /** Why the record could not be processed, for a person to read. */
    public static final String REASON = "causality.reason";

    /** The job that could not process it ({@code warehouse}, {@code reaction}). */
    public static final String JOB = "causality.job";

    /** {@code topic/partition/offset} of the original record, where known. */
    public static final String SOURCE = "causality.source";

    /** The rule whose evaluation failed, for errors of one rule on one event. */
    public static final String RULE = "causality.rule";

    public static final String RULE_VERSION = "causality.rule-version";

    /** The event's {@code event_id}, where it has one. */
    public static final String EVENT_ID = "causality.event-id";

    private DeadLetterHeaders() {}
}
