package io.causality.ingest.http;

import io.causality.ingest.IngestMetrics;
import io.causality.ingest.auth.KeyCache;
import io.causality.ingest.auth.WriteKey;
import io.causality.ingest.auth.WriteKeys;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From a write key to its record: from the cache when it is there (at once, no allocation beyond
 * the completed future), else from the store on the blocking executor, behind the {@link
 * KeyLookups} gate. One lookup per key at a time: requests for a key being looked up share that
 * lookup, so a new key used by many clients at once is one query and passes the gate once. Knows
 * nothing of HTTP: the futures fail with the {@link ApiException} to answer.
 */
final class KeyResolver {
    private static final Logger LOG = LoggerFactory.getLogger(KeyResolver.class);

    private final KeyCache keys;
    private final KeyLookups gate;
    private final Executor blocking;
    private final IngestMetrics metrics;
    private final Map<String, CompletableFuture<WriteKey>> inFlight = new ConcurrentHashMap<>();
    private final LogThrottle failureLog = new LogThrottle(1, LogThrottle::monotonicMillis);

    KeyResolver(KeyCache keys, KeyLookups gate, Executor blocking, IngestMetrics metrics) {
        this.keys = keys;
        this.gate = gate;
        this.blocking = blocking;
        this.metrics = metrics;
    }

    /**
     * The key's record. Fails with {@code invalid_write_key} (unknown or revoked), {@code
     * too_many_unknown_keys} or {@code key_lookups_busy} (the gate said no; retry after 1 s) or
     * {@code key_store_unavailable}.
     *
     * @param clientAddress whom the gate counts the lookup against
     */
    CompletableFuture<WriteKey> resolve(String plainKey, String clientAddress) {
        String hash = WriteKeys.hash(plainKey);
        Optional<WriteKey> cached = keys.cached(hash);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(cached.get());
        }
        if (keys.knownMiss(hash)) {
            return CompletableFuture.failedFuture(Credentials.invalidKey());
        }
        CompletableFuture<WriteKey> mine = new CompletableFuture<>();
        CompletableFuture<WriteKey> shared = inFlight.putIfAbsent(hash, mine);
        if (shared != null) {
            return shared;
        }
        start(hash, clientAddress, mine);
        return mine;
    }

    /** Lookups running or waiting now (for tests). */
    int inFlight() {
        return inFlight.size();
    }

    private void start(String hash, String clientAddress, CompletableFuture<WriteKey> result) {
        KeyLookups.Verdict verdict = gate.tryStart(clientAddress);
        if (verdict != KeyLookups.Verdict.GO) {
            metrics.keyLookup(verdict == KeyLookups.Verdict.BUSY ? "busy" : "limited");
            inFlight.remove(hash, result);
            result.completeExceptionally(
                    verdict == KeyLookups.Verdict.BUSY
                            ? new ApiException(
                                    ApiError.KEY_LOOKUPS_BUSY,
                                    "too many new write keys are being looked up; retry after 1 s")
                            : new ApiException(
                                    ApiError.TOO_MANY_UNKNOWN_KEYS,
                                    "too many unknown write keys from this address; check the key"
                                            + " and retry after 1 s"));
            return;
        }
        try {
            blocking.execute(() -> lookUp(hash, result));
        } catch (RuntimeException e) {
            // The executor refused the task (shutting down): the lookup never ran.
            finish(hash, result, null, e);
        }
    }

    private void lookUp(String hash, CompletableFuture<WriteKey> result) {
        Optional<WriteKey> found = null;
        Throwable failure = null;
        try {
            found = keys.lookup(hash);
        } catch (Throwable e) {
            // Errors too (a driver that fails to load): the gate's slot and the waiting requests
            // must be released whatever happened.
            failure = e;
        }
        finish(hash, result, found, failure);
    }

    private void finish(
            String hash,
            CompletableFuture<WriteKey> result,
            Optional<WriteKey> found,
            Throwable failure) {
        gate.finished();
        inFlight.remove(hash, result);
        if (failure != null) {
            metrics.keyLookup("failed");
            long heldBack = failureLog.tryAcquire();
            if (heldBack >= 0) {
                LOG.warn(
                        "write key lookup failed ({} more failures not logged since the last line)",
                        heldBack,
                        failure);
            }
            result.completeExceptionally(
                    new ApiException(
                            ApiError.KEY_STORE_UNAVAILABLE,
                            "the key store does not answer; retry shortly"));
            return;
        }
        metrics.keyLookup(found.isPresent() ? "found" : "unknown");
        if (found.isPresent()) {
            result.complete(found.get());
        } else {
            result.completeExceptionally(Credentials.invalidKey());
        }
    }
}
