package io.causality.jobs.reaction;

import java.util.ArrayDeque;

/**
 * The evaluation errors of one rule version in one operator instance, within a sliding window:
 * enough to tell when the rule keeps failing. Holds at most the limit plus one instant.
 */
final class RuleHealth {
    private final ArrayDeque<Long> errors = new ArrayDeque<>();
    private final int limit;
    private final long windowMillis;

    RuleHealth(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    /** Notes an error at the time; true once more than the limit fall within the window. */
    boolean failed(long now) {
        errors.addLast(now);
        while (!errors.isEmpty() && errors.peekFirst() <= now - windowMillis) {
            errors.removeFirst();
        }
        while (errors.size() > limit + 1) {
            errors.removeFirst();
        }
        return errors.size() > limit;
    }

    int recent() {
        return errors.size();
    }
}
