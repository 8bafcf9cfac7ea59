package io.causality.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed webhook is tried again: the schedule Svix publishes (at once, then after 5 s, 5
 * min, 30 min, 2 h, 5 h, 10 h and 10 h, so 8 attempts over about 27.6 hours), each delay moved by
 * up to 20 % either way so that the retries of many failed deliveries do not arrive together. A
 * receiver's {@code Retry-After} is honoured as "not before", up to {@link #MAX_RETRY_AFTER}.
 */
public final class RetrySchedule {
    /** The delays before attempts 2, 3, ...; attempt 1 is at once. */
    public static final List<Duration> DELAYS =
            List.of(
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(30),
                    Duration.ofHours(2),
                    Duration.ofHours(5),
                    Duration.ofHours(10),
                    Duration.ofHours(10));

    /** Attempts in all. */
    public static final int ATTEMPTS = DELAYS.size() + 1;

    /** A {@code Retry-After} further away than this is taken as this. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    static final double JITTER = 0.2;

    private final List<Duration> delays;
    private final RandomGenerator random;

    /** Svix's schedule. */
    public RetrySchedule(RandomGenerator random) {
        this(DELAYS, random);
    }

    /** Another schedule (tests, or an operator's choice): the delays before attempts 2, 3, ... */
    public RetrySchedule(List<Duration> delays, RandomGenerator random) {
        this.delays = List.copyOf(delays);
        this.random = random;
    }

    /** Attempts in all under this schedule. */
    public int attempts() {
        return delays.size() + 1;
    }

    /** A comma-separated list of durations, as in the configuration: {@code 5s,5m,30m}. */
    public static List<Duration> parse(String text) {
        List<Duration> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                Duration d = io.causality.contracts.Durations.parse(part);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("a retry delay is not negative: " + part);
                }
                out.add(d);
            }
        }
        return out;
    }

    /**
     * How long to wait after failed attempt {@code attempt} (1-based) before the next one; empty
     * when that was the last.
     *
     * @param retryAfter what the receiver asked for, if anything
     */
    public Optional<Duration> delayAfter(int attempt, Optional<Duration> retryAfter) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        if (attempt >= attempts()) {
            return Optional.empty();
        }
        Duration base = delays.get(attempt - 1);
        double factor = 1 + JITTER * (2 * random.nextDouble() - 1);
        Duration delay = Duration.ofMillis(Math.round(base.toMillis() * factor));
        if (retryAfter.isPresent()) {
            Duration asked =
                    retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0
                            ? MAX_RETRY_AFTER
                            : retryAfter.get();
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return Optional.of(delay);
    }

    /**
     * A {@code Retry-After} header: seconds, or an HTTP date (then relative to {@code now}). Empty
     * when absent, malformed or in the past.
     */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            if (v.length() > 9) {
                return Optional.of(MAX_RETRY_AFTER);
            }
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
