package io.causality.webhooks;

import java.time.Duration;
import java.time.Instant;

/**
 * What one try to deliver a webhook found.
 *
 * @param status the receiver's HTTP status; null when no answer came (refused, timed out, broken)
 * @param error what went wrong, for the delivery log; null when delivered
 * @param responseHead the first bytes of the answer's body, for {@code deliveries show}
 * @param retryAfter the receiver's {@code Retry-After}; null when it sent none
 */
public record Attempt(
        Outcome outcome,
        Instant startedAt,
        long latencyMillis,
        Integer status,
        String error,
        String responseHead,
        Duration retryAfter) {

    /** What the delivery does next. */
    public enum Outcome {
        /** 2xx: done. */
        DELIVERED,
        /** 410 Gone: the receiver says the endpoint is no more; it is disabled. */
        GONE,
        /** Any other answer, a timeout or a broken connection: tried again on the schedule. */
        RETRY,
        /** Never sent: the address or scheme is not allowed. Not retried; a dead letter. */
        REFUSED
    }
}
