package io.causality.rules;

import java.util.Objects;

/**
 * Events of a kind, optionally narrowed by a condition.
 *
 * @param where null when any event the selector picks will do
 */
public record EventPattern(EventSelector selector, Condition where) {
    public EventPattern {
        Objects.requireNonNull(selector, "selector");
    }
}
