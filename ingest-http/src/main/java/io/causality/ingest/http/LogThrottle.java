package io.causality.ingest.http;

import java.util.function.LongSupplier;

/**
 * At most so many log lines per second for one kind of message. In an outage every client retries,
 * and a line per request would bury the one line that says what is wrong (a 30 s Kafka outage in a
 * test wrote 29,812 identical warnings); the lines over the budget are counted, and the next line
 * let through says how many were held back.
 */
final class LogThrottle {
    private final int perSecond;
    private final LongSupplier millis;
    private long windowStart = Long.MIN_VALUE;
    private int inWindow;
    private long heldBack;

    LogThrottle(int perSecond, LongSupplier millis) {
        this.perSecond = perSecond;
        this.millis = millis;
    }

    /**
     * @return -1 when the line is over the budget (it is counted), else how many lines were held
     *     back since the last one let through
     */
    synchronized long tryAcquire() {
        long now = millis.getAsLong();
        if (windowStart == Long.MIN_VALUE || now - windowStart >= 1000 || now < windowStart) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= perSecond) {
            heldBack++;
            return -1;
        }
        inWindow++;
        long n = heldBack;
        heldBack = 0;
        return n;
    }

    /** Milliseconds of a clock that never steps back (for throttles that need no wall time). */
    static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
