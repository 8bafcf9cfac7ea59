package io.causality.ingest.auth;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active write keys by hash, reloaded from the {@link KeyStore} every refresh interval, so a
 * revoked key stops working within one interval and a new key works at once (a miss is looked up in
 * the store). Misses are remembered for one interval so that a flood of wrong keys does not become
 * a flood of queries.
 */
public final class KeyCache {
    private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);
    private static final int MAX_REMEMBERED_MISSES = 100_000;

    /** Where the keys are kept: PostgreSQL in the service, a map in a unit test. */
    public interface Store {
        /** Every key, revoked ones included. */
        List<WriteKey> list() throws SQLException;

        Optional<WriteKey> findByHash(String hash) throws SQLException;
    }

    private final Store store;
    private final Duration refreshInterval;
    private final Clock clock;
    private volatile Map<String, WriteKey> active = Map.of();
    private final Map<String, Long> misses = new ConcurrentHashMap<>();
    private volatile long lastRefreshMillis = -1;

    public KeyCache(Store store, Duration refreshInterval, Clock clock) {
        this.store = store;
        this.refreshInterval = refreshInterval;
        this.clock = clock;
    }

    /** The cache over the {@code write_keys} table of a database. */
    public static KeyCache overDatabase(
            DataSource dataSource, Duration refreshInterval, Clock clock) {
        return new KeyCache(new KeyStore(dataSource), refreshInterval, clock);
    }

    /** Reloads all active keys; call from a worker thread every refresh interval. */
    public void refresh() throws SQLException {
        List<WriteKey> keys = store.list();
        Map<String, WriteKey> next = new HashMap<>();
        for (WriteKey k : keys) {
            if (!k.revoked()) {
                next.put(k.keyHash(), k);
            }
        }
        active = Map.copyOf(next);
        misses.clear();
        lastRefreshMillis = clock.millis();
        LOG.debug("write keys reloaded: {} active", next.size());
    }

    /** The key for a hash if it is in memory; empty means "look it up" ({@link #lookup}). */
    public Optional<WriteKey> cached(String hash) {
        return Optional.ofNullable(active.get(hash));
    }

    /** Whether a miss for this hash was seen within the last interval. */
    public boolean knownMiss(String hash) {
        Long at = misses.get(hash);
        return at != null && clock.millis() - at < refreshInterval.toMillis();
    }

    /** Looks a key up in the store (blocking: call from a worker thread). */
    public Optional<WriteKey> lookup(String hash) throws SQLException {
        Optional<WriteKey> found = store.findByHash(hash).filter(k -> !k.revoked());
        if (found.isPresent()) {
            Map<String, WriteKey> next = new HashMap<>(active);
            next.put(hash, found.get());
            active = Map.copyOf(next);
        } else if (misses.size() < MAX_REMEMBERED_MISSES) {
            misses.put(hash, clock.millis());
        }
        return found;
    }

    /** Whether the last reload succeeded recently (three intervals), for readiness. */
    public boolean healthy() {
        return lastRefreshMillis >= 0
                && clock.millis() - lastRefreshMillis < 3 * refreshInterval.toMillis() + 1000;
    }
}
