package io.causality.jobs.common;

import io.causality.schemas.Timestamps;

/**
 * The one rule for an event's time in every job: its {@code timestamp} (the client's time, after
 * the ingest's clock-skew correction; the ingest always sets it). The lake partitions by it, rules
 * order sequences by it, and a match happens at the time of its last event.
 */
public final class EventTime {
    private EventTime() {}

    /**
     * Epoch millis of a {@code timestamp} value.
     *
     * @throws IllegalArgumentException if there is none or it is not an RFC 3339 instant
     */
    public static long of(String timestamp) {
        if (timestamp == null) {
            throw new IllegalArgumentException("the event has no timestamp (the ingest sets one)");
        }
        try {
            return Timestamps.parse(timestamp).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "timestamp '" + timestamp + "' is not an RFC 3339 instant", e);
        }
    }
}
