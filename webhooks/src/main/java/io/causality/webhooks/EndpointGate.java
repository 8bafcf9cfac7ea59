package io.causality.webhooks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * What keeps one endpoint from slowing the others: per endpoint, at most so many requests in
 * flight, a circuit breaker (after so many failures in a row it opens: nothing is sent for a while,
 * then one trial request decides whether it closes), and its own rate in messages per second. A
 * request the gate does not let through is not an attempt: it waits and is offered again, without
 * holding a slot of the delivery's async capacity meanwhile.
 *
 * <p>When many wait for one endpoint (a burst, a slow or rate-limited endpoint), each is told a
 * different time: the next free slot as the endpoint's pace predicts it (its observed latency over
 * its in-flight limit, or its rate), not one shared instant. Otherwise all of them come back
 * together, one gets through per slot and the rest go round again: on the local stack a burst of
 * 500 webhooks to one endpoint drained at 40 a second that way.
 */
public final class EndpointGate {
    /** Whether a request may go now, and if not, when to offer it again. */
    public record Decision(Verdict verdict, Duration retryIn) {
        public boolean go() {
            return verdict == Verdict.GO;
        }
    }

    public enum Verdict {
        GO,
        /** As many requests as allowed are in flight to it. */
        BUSY,
        /** Its breaker is open after failures in a row. */
        OPEN,
        /** Over its own rate. */
        RATE
    }

    private static final class State {
        int inFlight;
        int failuresInARow;
        long openUntilNanos = Long.MIN_VALUE;
        boolean trialInFlight;
        double tokens = -1;
        long tokensAtNanos;

        /** Moving average of its requests' latency; negative until one finished. */
        long latencyNanos = -1;

        /** The times handed out to requests waiting for a free slot, and for its rate. */
        final PriorityQueue<Long> busyWaits = new PriorityQueue<>();

        final PriorityQueue<Long> rateWaits = new PriorityQueue<>();
    }

    /** The pace assumed for an endpoint before any of its requests has finished. */
    static final Duration ASSUMED_LATENCY = Duration.ofMillis(100);

    /** No request is told to wait for a slot more than this far ahead; it asks again then. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final int maxInFlight;
    private final int failuresToOpen;
    private final Duration openFor;
    private final LongSupplier nanos;
    private final Map<String, State> states = new HashMap<>();

    /**
     * @param maxInFlight requests in flight to one endpoint at once
     * @param failuresToOpen failures in a row that open the breaker
     * @param openFor how long an open breaker sends nothing before a trial
     */
    public EndpointGate(int maxInFlight, int failuresToOpen, Duration openFor, LongSupplier nanos) {
        this.maxInFlight = maxInFlight;
        this.failuresToOpen = failuresToOpen;
        this.openFor = openFor;
        this.nanos = nanos;
    }

    /**
     * Takes a slot for one request to the endpoint, or says why not. A {@link Verdict#GO} must be
     * followed by {@link #release}.
     *
     * @param ratePerSecond the endpoint's rate, null for none
     */
    public synchronized Decision tryAcquire(String endpoint, Integer ratePerSecond) {
        State s = states.computeIfAbsent(endpoint, e -> new State());
        long now = nanos.getAsLong();
        boolean trial = false;
        if (s.failuresInARow >= failuresToOpen) {
            if (now < s.openUntilNanos) {
                return new Decision(Verdict.OPEN, Duration.ofNanos(s.openUntilNanos - now));
            }
            if (s.trialInFlight) {
                return new Decision(Verdict.OPEN, Duration.ofSeconds(1));
            }
            trial = true;
        }
        if (s.inFlight >= maxInFlight) {
            // The endpoint's own pace: a slot frees every latency ÷ limit. (Measuring how often
            // slots actually freed while others waited looked better and ran away: the waits it
            // caused made the gaps it measured, seen as a 60 s stall on the local stack.)
            long perSlot =
                    (s.latencyNanos < 0 ? ASSUMED_LATENCY.toNanos() : s.latencyNanos) / maxInFlight;
            return new Decision(
                    Verdict.BUSY,
                    behindOthers(s.busyWaits, now, Math.max(1_000_000L, perSlot), perSlot));
        }
        if (ratePerSecond != null) {
            if (s.tokens < 0) {
                s.tokens = ratePerSecond;
                s.tokensAtNanos = now;
            }
            s.tokens =
                    Math.min(
                            ratePerSecond,
                            s.tokens + (now - s.tokensAtNanos) / 1e9 * ratePerSecond);
            s.tokensAtNanos = now;
            if (s.tokens < 1) {
                long wait = (long) Math.ceil((1 - s.tokens) / ratePerSecond * 1e9);
                return new Decision(
                        Verdict.RATE,
                        behindOthers(s.rateWaits, now, wait, 1_000_000_000L / ratePerSecond));
            }
            s.tokens -= 1;
        }
        s.inFlight++;
        if (trial) {
            s.trialInFlight = true;
        }
        return new Decision(Verdict.GO, Duration.ZERO);
    }

    /**
     * How long a request waits: from the earliest it could go, one slot more for each request
     * already told to wait and not yet due; never more than {@link #MAX_WAIT}. The count of those
     * waiting corrects itself as their times pass, so offers that come back still busy do not push
     * the queue further out each time.
     */
    private static Duration behindOthers(
            PriorityQueue<Long> waits, long now, long earliest, long perSlot) {
        prune(waits, now);
        long wait = Math.min(earliest + waits.size() * Math.max(1L, perSlot), MAX_WAIT.toNanos());
        waits.add(now + wait);
        return Duration.ofNanos(wait);
    }

    private static void prune(PriorityQueue<Long> waits, long now) {
        while (!waits.isEmpty() && waits.peek() <= now) {
            waits.poll();
        }
    }

    /**
     * Gives the slot back with what the attempt found: a success closes the breaker, a failure
     * counts towards opening it (a failed trial opens it again at once).
     *
     * @param latency how long the request took: the pace at which waiting requests are offered
     */
    public synchronized void release(String endpoint, boolean success, Duration latency) {
        State s = states.get(endpoint);
        if (s == null) {
            return;
        }
        long l = latency.toNanos();
        s.latencyNanos = s.latencyNanos < 0 ? l : (s.latencyNanos * 4 + l) / 5;
        long now = nanos.getAsLong();
        s.inFlight = Math.max(0, s.inFlight - 1);
        boolean wasTrial = s.trialInFlight;
        s.trialInFlight = false;
        if (success) {
            s.failuresInARow = 0;
            return;
        }
        s.failuresInARow++;
        if (s.failuresInARow >= failuresToOpen || wasTrial) {
            s.failuresInARow = Math.max(s.failuresInARow, failuresToOpen);
            s.openUntilNanos = now + openFor.toNanos();
        }
    }

    /** Endpoints whose breaker is open now (a metric). */
    public synchronized int open() {
        long now = nanos.getAsLong();
        int n = 0;
        for (State s : states.values()) {
            if (s.failuresInARow >= failuresToOpen && now < s.openUntilNanos) {
                n++;
            }
        }
        return n;
    }

    /** Forgets an endpoint (deleted, or re-enabled by an operator). */
    public synchronized void forget(String endpoint) {
        states.remove(endpoint);
    }
}
