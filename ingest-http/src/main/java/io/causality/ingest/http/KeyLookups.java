package io.causality.ingest.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gate in front of PostgreSQL for write keys the cache does not know. Every such key costs a
 * query on the small worker pool that also reloads the keys, so a flood of made-up keys must not
 * reach it: lookups are limited per client address (a token bucket, before any lookup), and at most
 * a few run at once, so the pool always has a thread left for the reload. Keys the cache knows
 * never come here, so real clients are not slowed by a flood.
 */
final class KeyLookups {
    /** Client addresses remembered at once; the least recently seen is forgotten first. */
    static final int MAX_ADDRESSES = 10_000;

    enum Verdict {
        /** Look it up; call {@link #finished} afterwards. */
        GO,
        /** This address asked for too many unknown keys: 429. */
        ADDRESS_LIMITED,
        /** As many lookups as allowed are running: 503, retry shortly. */
        BUSY
    }

    private final int perSecond;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, Bucket> byAddress =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                    return size() > MAX_ADDRESSES;
                }
            };

    /**
     * @param perSecond unknown-key lookups per client address and second (a burst of four times as
     *     many)
     * @param maxPending lookups running at once
     */
    KeyLookups(int perSecond, int maxPending) {
        this.perSecond = perSecond;
        this.maxPending = maxPending;
    }

    Verdict tryStart(String address) {
        Bucket bucket;
        synchronized (byAddress) {
            bucket = byAddress.computeIfAbsent(address == null ? "" : address, a -> newBucket());
        }
        if (!bucket.tryConsume(1)) {
            return Verdict.ADDRESS_LIMITED;
        }
        while (true) {
            int now = pending.get();
            if (now >= maxPending) {
                return Verdict.BUSY;
            }
            if (pending.compareAndSet(now, now + 1)) {
                return Verdict.GO;
            }
        }
    }

    void finished() {
        pending.decrementAndGet();
    }

    int pending() {
        return pending.get();
    }

    int addresses() {
        synchronized (byAddress) {
            return byAddress.size();
        }
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(
                        Bandwidth.builder()
                                .capacity(4L * perSecond)
                                .refillGreedy(perSecond, Duration.ofSeconds(1))
                                .build())
                .build();
    }
}
