package io.causality.ingest.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per write key, counting requests (one batch of up to 500 events is one request):
 * the check runs before the body is read, so a client over its limit costs almost nothing.
 */
public final class RateLimiter {
    private final int perSecond;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** The verdict and what to put in the X-RateLimit-* headers. */
    public record Decision(
            boolean allowed,
            long limit,
            long remaining,
            long resetSeconds,
            long retryAfterSeconds) {}

    public Decision tryAcquire(String keyId) {
        Bucket bucket = buckets.computeIfAbsent(keyId, k -> newBucket());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long remaining = probe.getRemainingTokens();
        long resetSeconds = ceilDiv(burst - remaining, perSecond);
        long retryAfter =
                probe.isConsumed()
                        ? 0
                        : Math.max(1, ceilDiv(probe.getNanosToWaitForRefill(), 1_000_000_000L));
        return new Decision(probe.isConsumed(), burst, remaining, resetSeconds, retryAfter);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(
                        Bandwidth.builder()
                                .capacity(burst)
                                .refillGreedy(perSecond, Duration.ofSeconds(1))
                                .build())
                .build();
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
