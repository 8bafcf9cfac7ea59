package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointGateTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final EndpointGate gate = new EndpointGate(2, 3, Duration.ofSeconds(30), nanos::get);

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
        gate.release("slow", true);
        assertThat(gate.tryAcquire("slow", null).go()).isTrue();
    }

    @Test
    void failuresInARowOpenTheBreakerAndOneTrialClosesIt() {
        for (int i = 0; i < 3; i++) {
            assertThat(gate.tryAcquire("down", null).go()).isTrue();
            gate.release("down", false);
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
        gate.release("down", false);
        assertThat(gate.tryAcquire("down", null).verdict())
                .as("a failed trial reopens")
                .isEqualTo(EndpointGate.Verdict.OPEN);
        advance(Duration.ofSeconds(31));
        assertThat(gate.tryAcquire("down", null).go()).isTrue();
        gate.release("down", true);
        assertThat(gate.open()).isZero();
        assertThat(gate.tryAcquire("down", null).go()).isTrue();
        assertThat(gate.tryAcquire("down", null).go()).as("closed: both slots again").isTrue();
    }

    @Test
    void aSuccessBetweenFailuresKeepsTheBreakerClosed() {
        for (int i = 0; i < 10; i++) {
            gate.tryAcquire("flaky", null);
            gate.release("flaky", i % 2 == 0);
        }
        assertThat(gate.tryAcquire("flaky", null).go()).isTrue();
    }

    @Test
    void theRateIsEnforcedPerEndpoint() {
        EndpointGate wide = new EndpointGate(1000, 3, Duration.ofSeconds(30), nanos::get);
        int sent = 0;
        for (int i = 0; i < 100; i++) {
            EndpointGate.Decision d = wide.tryAcquire("limited", 5);
            if (d.go()) {
                sent++;
                wide.release("limited", true);
            } else {
                assertThat(d.verdict()).isEqualTo(EndpointGate.Verdict.RATE);
                assertThat(d.retryIn()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(200));
            }
        }
        assertThat(sent).as("a burst of one second's worth").isEqualTo(5);
        // Over ten seconds of steady offers, 5 a second get through.
        int later = 0;
        for (int i = 0; i < 1000; i++) {
            advance(Duration.ofMillis(10));
            if (wide.tryAcquire("limited", 5).go()) {
                later++;
                wide.release("limited", true);
            }
        }
        assertThat(later).isBetween(49, 51);
        assertThat(wide.tryAcquire("unlimited", null).go()).isTrue();
    }
}
