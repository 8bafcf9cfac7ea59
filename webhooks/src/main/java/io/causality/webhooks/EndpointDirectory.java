package io.causality.webhooks;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints as the delivery job sees them: all of them in memory, looked up by (app, name)
 * without a query, and reloaded when the store's {@link EndpointStore.Version} moved, checked at
 * most once per refresh interval (2 s by default), so a change made with {@code causality
 * endpoints} reaches the job within seconds and without a restart. Why not a changelog topic: the
 * endpoints live in PostgreSQL, which the command line writes and the delivery log needs anyway; a
 * topic would need the same change written twice. The check is one small query, the reload happens
 * only after a change.
 */
public final class EndpointDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointDirectory.class);

    private final EndpointStore store;
    private final Duration refresh;
    private final Clock clock;
    private volatile Map<String, Endpoint> byKey = Map.of();
    private EndpointStore.Version version;

    /** When the store was last asked; -1 before the first time. */
    private volatile long checkedAt = -1;

    public EndpointDirectory(EndpointStore store, Duration refresh, Clock clock) {
        this.store = store;
        this.refresh = refresh;
        this.clock = clock;
    }

    /**
     * The endpoint of an app by name, from memory; reloads first when the refresh interval has
     * passed and the store changed. A store that does not answer leaves the last known endpoints in
     * use (and is tried again at the next interval).
     */
    public Optional<Endpoint> find(String appId, String name) {
        refreshIfDue();
        return Optional.ofNullable(byKey.get(key(appId, name)));
    }

    /** Every endpoint known now. */
    public List<Endpoint> all() {
        refreshIfDue();
        return List.copyOf(byKey.values());
    }

    /** Reloads now if the store changed (tests, and after the job changed an endpoint itself). */
    public synchronized void reload() throws SQLException {
        EndpointStore.Version now = store.version();
        checkedAt = clock.millis();
        if (now.equals(version)) {
            return;
        }
        Map<String, Endpoint> next = new HashMap<>();
        for (Endpoint e : store.list(null)) {
            next.put(key(e.appId(), e.name()), e);
        }
        byKey = Map.copyOf(next);
        version = now;
        LOG.info("webhook endpoints loaded: {} (change {})", next.size(), now.lastChange());
    }

    private boolean fresh() {
        return checkedAt >= 0 && clock.millis() - checkedAt < refresh.toMillis();
    }

    private void refreshIfDue() {
        if (fresh()) {
            return;
        }
        synchronized (this) {
            if (fresh()) {
                return;
            }
            try {
                reload();
            } catch (SQLException | RuntimeException e) {
                checkedAt = clock.millis();
                LOG.warn(
                        "webhook endpoints could not be reloaded; the {} known ones stay in use: {}",
                        byKey.size(),
                        e.toString());
            }
        }
    }

    private static String key(String appId, String name) {
        return appId + "\n" + name;
    }
}
