package io.causality.ingest.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signatures accepted within the skew window, so that each is accepted once. A signature older than
 * the window is refused as expired anyway, so entries are forgotten once their timestamp leaves it:
 * memory is bounded by the signed requests of one window, and by a hard cap beyond which the oldest
 * are forgotten first (a replay of those would still need to arrive within the window; the cap is
 * far above what a signed source sends).
 */
final class ReplayGuard {
    static final int MAX_REMEMBERED = 200_000;

    private final long windowSeconds;
    private final int max;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    ReplayGuard(Duration skew, int max) {
        this.windowSeconds = skew.toSeconds();
        this.max = max;
    }

    /** True the first time a signature is seen within the window, false for a replay. */
    synchronized boolean firstTime(String signature, long timestampSeconds, Instant now) {
        long horizon = now.getEpochSecond() - windowSeconds;
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() >= horizon && seen.size() < max) {
                break;
            }
            it.remove();
        }
        return seen.putIfAbsent(signature, timestampSeconds) == null;
    }

    synchronized int size() {
        return seen.size();
    }
}
