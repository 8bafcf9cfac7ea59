package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private final RetrySchedule schedule = new RetrySchedule(new SplittableRandom(42));

    @Test
    void eightAttemptsOnSvixsScheduleEachWithinTwentyPercent() {
        long[] seconds = {5, 300, 1800, 7200, 18000, 36000, 36000};
        for (int round = 0; round < 2000; round++) {
            for (int attempt = 1; attempt < RetrySchedule.ATTEMPTS; attempt++) {
                Duration d = schedule.delayAfter(attempt, Optional.empty()).orElseThrow();
                long base = seconds[attempt - 1] * 1000;
                assertThat(d.toMillis())
                        .as("after attempt " + attempt)
                        .isBetween(Math.round(base * 0.8), Math.round(base * 1.2));
            }
        }
        assertThat(RetrySchedule.ATTEMPTS).isEqualTo(8);
        assertThat(schedule.delayAfter(8, Optional.empty())).as("exhausted").isEmpty();
        assertThatThrownBy(() -> schedule.delayAfter(0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theJitterSpreadsTheRetries() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 2000; i++) {
            long ms = schedule.delayAfter(2, Optional.empty()).orElseThrow().toMillis();
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        // 5 min ± 20 % is 240 s to 360 s; 2,000 draws come close to both ends.
        assertThat(min).isLessThan(250_000);
        assertThat(max).isGreaterThan(350_000);
    }

    @Test
    void retryAfterIsANotBeforeUpToAnHour() {
        assertThat(schedule.delayAfter(1, Optional.of(Duration.ofSeconds(60))))
                .contains(Duration.ofSeconds(60));
        Duration later = schedule.delayAfter(2, Optional.of(Duration.ofSeconds(10))).orElseThrow();
        assertThat(later)
                .as("the schedule's 5 min is later than asked")
                .isGreaterThan(Duration.ofMinutes(3));
        assertThat(schedule.delayAfter(1, Optional.of(Duration.ofDays(365))))
                .contains(RetrySchedule.MAX_RETRY_AFTER);
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        assertThat(RetrySchedule.parseRetryAfter("120", now)).contains(Duration.ofSeconds(120));
        assertThat(RetrySchedule.parseRetryAfter(" 0 ", now)).contains(Duration.ZERO);
        assertThat(RetrySchedule.parseRetryAfter("Thu, 03 Dec 2026 10:01:30 GMT", now))
                .contains(Duration.ofSeconds(90));
        assertThat(RetrySchedule.parseRetryAfter("Thu, 03 Dec 2026 09:00:00 GMT", now)).isEmpty();
        assertThat(RetrySchedule.parseRetryAfter("99999999999999999999", now))
                .contains(RetrySchedule.MAX_RETRY_AFTER);
        assertThat(RetrySchedule.parseRetryAfter("-5", now)).isEmpty();
        assertThat(RetrySchedule.parseRetryAfter("soon", now)).isEmpty();
        assertThat(RetrySchedule.parseRetryAfter(null, now)).isEmpty();
    }

    @Test
    void anotherScheduleCanBeConfigured() {
        RetrySchedule quick =
                new RetrySchedule(RetrySchedule.parse("100ms, 1s"), new SplittableRandom(1));
        assertThat(quick.attempts()).isEqualTo(3);
        assertThat(quick.delayAfter(1, Optional.empty()).orElseThrow().toMillis())
                .isBetween(80L, 120L);
        assertThat(quick.delayAfter(3, Optional.empty())).isEmpty();
        assertThat(RetrySchedule.parse("5s,5m,30m,2h,5h,10h,10h")).isEqualTo(RetrySchedule.DELAYS);
        assertThatThrownBy(() -> RetrySchedule.parse("5s,soon")).hasMessageContaining("duration");
    }
}
