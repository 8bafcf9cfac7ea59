package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointGateTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final EndpointGate gate = new EndpointGate(2, 3, Duration.ofSeconds(30), nanos::get);

    private static final Duration MS_10 = Duration.ofMillis(10);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aBusyEndpointTakesNoMoreThanItsSlotsAndOthersAreUntouched() {
        assertThat(gate.tryAcquire("slow", null).go()).isTrue();
        assertThat(gate.tryAcquire("slow", null).go()).isTrue();
        EndpointGate.Decision third = gate.tryAcquire("slow", null);
        assertThat(third.verdict()).isEqualTo(EndpointGate.Verdict.BUSY);
        assertThat(gate.tryAcquire("fast", null).go()).as("another endpoint").isTrue();
        gate.release("slow", true, MS_10);
        assertThat(gate.tryAcquire("slow", null).go()).isTrue();
    }

    @Test
    void failuresInARowOpenTheBreakerAndOneTrialClosesIt() {
        for (int i = 0; i < 3; i++) {
            assertThat(gate.tryAcquire("down", null).go()).isTrue();
            gate.release("down", false, MS_10);
        }
        EndpointGate.Decision open = gate.tryAcquire("down", null);
        assertThat(open.verdict()).isEqualTo(EndpointGate.Verdict.OPEN);
        assertThat(open.retryIn()).isEqualTo(Duration.ofSeconds(30));
        assertThat(gate.open()).isEqualTo(1);
        advance(Duration.ofSeconds(30));
        assertThat(gate.tryAcquire("down", null).go()).as("the trial").isTrue();
        assertThat(gate.tryAcquire("down", null).verdict())
                .as("one trial at a time")
                .isEqualTo(EndpointGate.Verdict.OPEN);
        gate.release("down", false, MS_10);
        assertThat(gate.tryAcquire("down", null).verdict())
                .as("a failed trial reopens")
                .isEqualTo(EndpointGate.Verdict.OPEN);
        advance(Duration.ofSeconds(31));
        assertThat(gate.tryAcquire("down", null).go()).isTrue();
        gate.release("down", true, MS_10);
        assertThat(gate.open()).isZero();
        assertThat(gate.tryAcquire("down", null).go()).isTrue();
        assertThat(gate.tryAcquire("down", null).go()).as("closed: both slots again").isTrue();
    }

    @Test
    void aSuccessBetweenFailuresKeepsTheBreakerClosed() {
        for (int i = 0; i < 10; i++) {
            gate.tryAcquire("flaky", null);
            gate.release("flaky", i % 2 == 0, MS_10);
        }
        assertThat(gate.tryAcquire("flaky", null).go()).isTrue();
    }

    @Test
    void theRateIsEnforcedPerEndpoint() {
        EndpointGate wide = new EndpointGate(1000, 3, Duration.ofSeconds(30), nanos::get);
        int sent = 0;
        java.util.List<Duration> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            EndpointGate.Decision d = wide.tryAcquire("limited", 5);
            if (d.go()) {
                sent++;
                wide.release("limited", true, MS_10);
            } else {
                assertThat(d.verdict()).isEqualTo(EndpointGate.Verdict.RATE);
                waits.add(d.retryIn());
            }
        }
        assertThat(sent).as("a burst of one second's worth").isEqualTo(5);
        // Those held back are told one token apart, not all the same instant.
        assertThat(waits).hasSize(95);
        assertThat(waits.get(0)).isPositive().isLessThanOrEqualTo(Duration.ofMillis(200));
        for (int i = 1; i < waits.size(); i++) {
            assertThat(waits.get(i).minus(waits.get(i - 1))).isEqualTo(Duration.ofMillis(200));
        }
        // Over ten seconds of steady offers, 5 a second get through.
        int later = 0;
        for (int i = 0; i < 1000; i++) {
            advance(Duration.ofMillis(10));
            if (wide.tryAcquire("limited", 5).go()) {
                later++;
                wide.release("limited", true, MS_10);
            }
        }
        assertThat(later).isBetween(49, 51);
        assertThat(wide.tryAcquire("unlimited", null).go()).isTrue();
    }

    @Test
    void requestsWaitingForABusyEndpointAreOfferedAtItsPaceNotAllAtOnce() {
        // Two slots; requests take 400 ms: a slot frees every 200 ms.
        assertThat(gate.tryAcquire("busy", null).go()).isTrue();
        assertThat(gate.tryAcquire("busy", null).go()).isTrue();
        EndpointGate.Decision before = gate.tryAcquire("busy", null);
        assertThat(before.verdict()).isEqualTo(EndpointGate.Verdict.BUSY);
        assertThat(before.retryIn())
                .as("no latency seen yet: the assumed pace")
                .isEqualTo(EndpointGate.ASSUMED_LATENCY.dividedBy(2));
        gate.release("busy", true, Duration.ofMillis(400));
        assertThat(gate.tryAcquire("busy", null).go()).isTrue();

        java.util.List<Duration> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(gate.tryAcquire("busy", null).retryIn());
        }
        // Each after the one before, a slot apart (the first after the wait handed out before).
        for (int i = 1; i < waits.size(); i++) {
            assertThat(waits.get(i).minus(waits.get(i - 1))).isEqualTo(Duration.ofMillis(200));
        }
        // A backlog is never told to wait longer than the cap; it asks again then.
        for (int i = 0; i < 1000; i++) {
            assertThat(gate.tryAcquire("busy", null).retryIn())
                    .isLessThanOrEqualTo(EndpointGate.MAX_WAIT);
        }
        assertThat(gate.tryAcquire("other", null).go()).as("others are untouched").isTrue();

        // Once the times handed out have passed, a new one waits one slot again: the queue of
        // those waiting is counted, not pushed out further with every offer.
        advance(EndpointGate.MAX_WAIT.plusSeconds(1));
        assertThat(gate.tryAcquire("busy", null).retryIn()).isEqualTo(Duration.ofMillis(200));
    }
}
