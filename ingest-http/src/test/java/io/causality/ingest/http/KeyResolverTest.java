package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.ingest.IngestMetrics;
import io.causality.ingest.auth.KeyCache;
import io.causality.ingest.auth.WriteKey;
import io.causality.ingest.auth.WriteKeys;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyResolverTest {
    /** Keys in a map; counts the lookups, and fails them while {@code down}. */
    private static final class Store implements KeyCache.Store {
        final Map<String, WriteKey> byHash = new HashMap<>();
        final AtomicInteger lookups = new AtomicInteger();
        volatile boolean down;

        @Override
        public List<WriteKey> list() throws SQLException {
            if (down) {
                throw new SQLException("connection refused");
            }
            return new ArrayList<>(byHash.values());
        }

        @Override
        public Optional<WriteKey> findByHash(String hash) throws SQLException {
            lookups.incrementAndGet();
            if (down) {
                throw new SQLException("connection refused");
            }
            return Optional.ofNullable(byHash.get(hash));
        }

        String add(String app) {
            String key = WriteKeys.generate();
            byHash.put(
                    WriteKeys.hash(key),
                    new WriteKey(
                            WriteKeys.keyId(key),
                            WriteKeys.hash(key),
                            app,
                            "",
                            false,
                            Instant.EPOCH,
                            null));
            return key;
        }
    }

    private final Store store = new Store();
    private final KeyCache cache = new KeyCache(store, Duration.ofMinutes(1), Clock.systemUTC());

    /** The blocking pool, run by hand so that the test decides when a lookup finishes. */
    private final Queue<Runnable> worker = new ArrayDeque<>();

    private final IngestMetrics metrics = new IngestMetrics();
    private final KeyResolver resolver =
            new KeyResolver(cache, new KeyLookups(5, 2), worker::add, metrics);

    @AfterEach
    void close() {
        metrics.close();
    }

    private void runWorker() {
        while (!worker.isEmpty()) {
            worker.poll().run();
        }
    }

    private static ApiError refusal(CompletableFuture<WriteKey> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not refused");
        } catch (CompletionException e) {
            return ((ApiException) e.getCause()).error();
        }
    }

    @Test
    void aCachedKeyIsThereAtOnceWithoutALookup() throws Exception {
        String key = store.add("shop");
        cache.refresh();
        CompletableFuture<WriteKey> f = resolver.resolve(key, "198.51.100.1");
        assertThat(f).isCompleted();
        assertThat(f.join().appId()).isEqualTo("shop");
        assertThat(store.lookups).hasValue(0);
        assertThat(worker).isEmpty();
    }

    @Test
    void aNewKeyIsLookedUpOnceHoweverManyRequestsWaitForIt() throws Exception {
        cache.refresh();
        String key = store.add("shop");
        List<CompletableFuture<WriteKey>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(resolver.resolve(key, "198.51.100." + i));
        }
        assertThat(waiting).allSatisfy(f -> assertThat(f).isNotDone());
        assertThat(worker).hasSize(1);
        runWorker();
        assertThat(store.lookups).hasValue(1);
        assertThat(waiting).allSatisfy(f -> assertThat(f.join().appId()).isEqualTo("shop"));
        assertThat(resolver.inFlight()).isZero();
        // Now cached: no second lookup.
        assertThat(resolver.resolve(key, "198.51.100.1")).isCompleted();
        assertThat(store.lookups).hasValue(1);
    }

    @Test
    void anUnknownKeyIsRefusedAndItsMissRemembered() throws Exception {
        cache.refresh();
        String unknown = WriteKeys.generate();
        CompletableFuture<WriteKey> first = resolver.resolve(unknown, "198.51.100.1");
        runWorker();
        assertThat(refusal(first)).isEqualTo(ApiError.INVALID_WRITE_KEY);
        CompletableFuture<WriteKey> again = resolver.resolve(unknown, "198.51.100.1");
        assertThat(refusal(again)).isEqualTo(ApiError.INVALID_WRITE_KEY);
        assertThat(store.lookups).as("the miss is remembered").hasValue(1);
    }

    @Test
    void theGateRefusesAFloodPerAddressAndBoundsTheLookupsRunning() throws Exception {
        cache.refresh();
        // Two lookups may run at once: the third waits for neither and is refused as busy.
        CompletableFuture<WriteKey> a = resolver.resolve(WriteKeys.generate(), "198.51.100.1");
        CompletableFuture<WriteKey> b = resolver.resolve(WriteKeys.generate(), "198.51.100.2");
        CompletableFuture<WriteKey> c = resolver.resolve(WriteKeys.generate(), "198.51.100.3");
        assertThat(refusal(c)).isEqualTo(ApiError.KEY_LOOKUPS_BUSY);
        runWorker();
        assertThat(refusal(a)).isEqualTo(ApiError.INVALID_WRITE_KEY);
        assertThat(refusal(b)).isEqualTo(ApiError.INVALID_WRITE_KEY);
        // One address gets a burst of 4 x 5 lookups, then 429 (the lookups finish one by one).
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            CompletableFuture<WriteKey> f = resolver.resolve(WriteKeys.generate(), "203.0.113.9");
            runWorker();
            if (refusal(f) == ApiError.TOO_MANY_UNKNOWN_KEYS) {
                limited++;
            }
        }
        assertThat(limited).isBetween(8, 10);
        // A key the cache knows never meets the gate.
        String known = store.add("shop");
        cache.refresh();
        assertThat(resolver.resolve(known, "203.0.113.9").join().appId()).isEqualTo("shop");
        assertThat(metrics.scrape()).contains("outcome=\"limited\"").contains("outcome=\"busy\"");
    }

    @Test
    void aStoreThatDoesNotAnswerIsAnUnavailableKeyStoreAndFreesTheGate() throws Exception {
        cache.refresh();
        store.down = true;
        for (int i = 0; i < 5; i++) {
            CompletableFuture<WriteKey> f = resolver.resolve(WriteKeys.generate(), "198.51.100.1");
            runWorker();
            assertThat(refusal(f)).isEqualTo(ApiError.KEY_STORE_UNAVAILABLE);
        }
        store.down = false;
        String key = store.add("shop");
        CompletableFuture<WriteKey> f = resolver.resolve(key, "198.51.100.1");
        runWorker();
        assertThat(f.join().appId()).isEqualTo("shop");
    }

    @Test
    void aPoolThatRefusesTheTaskFailsTheLookupInsteadOfLeavingItHanging() throws Exception {
        cache.refresh();
        KeyResolver closing =
                new KeyResolver(
                        cache,
                        new KeyLookups(5, 1),
                        task -> {
                            throw new java.util.concurrent.RejectedExecutionException("closed");
                        },
                        metrics);
        assertThat(refusal(closing.resolve(WriteKeys.generate(), "198.51.100.1")))
                .isEqualTo(ApiError.KEY_STORE_UNAVAILABLE);
        assertThat(refusal(closing.resolve(WriteKeys.generate(), "198.51.100.1")))
                .as("the gate's slot was given back")
                .isEqualTo(ApiError.KEY_STORE_UNAVAILABLE);
        assertThat(closing.inFlight()).isZero();
    }
}
