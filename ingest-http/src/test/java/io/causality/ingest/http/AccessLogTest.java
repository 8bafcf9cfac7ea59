package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    private final AtomicLong millis = new AtomicLong(1_000_000);

    @Test
    void aThrottleLetsItsBudgetThroughEachSecondAndCountsTheRest() {
        LogThrottle throttle = new LogThrottle(2, millis::get);
        assertThat(throttle.tryAcquire()).isZero();
        assertThat(throttle.tryAcquire()).isZero();
        assertThat(throttle.tryAcquire()).isEqualTo(-1);
        assertThat(throttle.tryAcquire()).isEqualTo(-1);
        millis.addAndGet(999);
        assertThat(throttle.tryAcquire()).as("still the same second").isEqualTo(-1);
        millis.addAndGet(1);
        assertThat(throttle.tryAcquire()).as("the next line says 3 were held back").isEqualTo(3);
        assertThat(throttle.tryAcquire()).isZero();
    }

    @Test
    void serverErrorsWarnWithinTheBudgetAndClientErrorsNever() {
        AccessLog log = new AccessLog(millis::get);
        assertThat(log.decide(400).level()).isNotEqualTo(AccessLog.Level.WARN);
        assertThat(log.decide(429).level()).isNotEqualTo(AccessLog.Level.WARN);
        for (int i = 0; i < AccessLog.WARN_PER_SECOND; i++) {
            assertThat(log.decide(503).level()).isEqualTo(AccessLog.Level.WARN);
        }
        int outage = 10_000;
        for (int i = 0; i < outage; i++) {
            assertThat(log.decide(503).level()).isNotEqualTo(AccessLog.Level.WARN);
        }
        millis.addAndGet(1000);
        AccessLog.Decision next = log.decide(500);
        assertThat(next.level()).isEqualTo(AccessLog.Level.WARN);
        assertThat(next.heldBack()).isEqualTo(outage);
    }

    @Test
    void aClockThatStepsBackDoesNotSilenceTheLog() {
        LogThrottle throttle = new LogThrottle(1, millis::get);
        assertThat(throttle.tryAcquire()).isZero();
        assertThat(throttle.tryAcquire()).isEqualTo(-1);
        millis.addAndGet(-60_000);
        assertThat(throttle.tryAcquire()).as("a new window").isEqualTo(1);
    }
}
