package io.causality.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
    private Instant now = Instant.parse("2026-12-03T10:00:00Z");
    private final Clock clock =
            new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            };
    private final Map<String, WriteKey> rows = new LinkedHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private boolean down;
    private final KeyCache cache =
            new KeyCache(
                    new KeyCache.Store() {
                        @Override
                        public List<WriteKey> list() throws SQLException {
                            if (down) {
                                throw new SQLException("down");
                            }
                            return new ArrayList<>(rows.values());
                        }

                        @Override
                        public Optional<WriteKey> findByHash(String hash) {
                            lookups.incrementAndGet();
                            return Optional.ofNullable(rows.get(hash));
                        }
                    },
                    Duration.ofSeconds(10),
                    clock);

    private String add(String app, Instant revokedAt) {
        String key = WriteKeys.generate();
        String hash = WriteKeys.hash(key);
        rows.put(
                hash,
                new WriteKey(WriteKeys.keyId(key), hash, app, "", false, Instant.EPOCH, revokedAt));
        return hash;
    }

    @Test
    void aRefreshHoldsTheActiveKeysAndARevokedOneStopsWorkingAtTheNext() throws Exception {
        String active = add("shop", null);
        String revoked = add("news", now);
        cache.refresh();
        assertThat(cache.cached(active)).map(WriteKey::appId).contains("shop");
        assertThat(cache.cached(revoked)).isEmpty();

        rows.put(
                active,
                new WriteKey(
                        rows.get(active).keyId(), active, "shop", "", false, Instant.EPOCH, now));
        assertThat(cache.cached(active)).as("until the next refresh").isPresent();
        cache.refresh();
        assertThat(cache.cached(active)).isEmpty();
    }

    @Test
    void aLookupAddsANewKeyAndRemembersAMissForOneInterval() throws Exception {
        cache.refresh();
        String fresh = add("shop", null);
        assertThat(cache.cached(fresh)).isEmpty();
        assertThat(cache.lookup(fresh)).isPresent();
        assertThat(cache.cached(fresh)).isPresent();

        String unknown = WriteKeys.hash(WriteKeys.generate());
        assertThat(cache.knownMiss(unknown)).isFalse();
        assertThat(cache.lookup(unknown)).isEmpty();
        assertThat(cache.knownMiss(unknown)).isTrue();
        now = now.plusSeconds(11);
        assertThat(cache.knownMiss(unknown)).as("forgotten after one interval").isFalse();

        String revoked = add("news", now);
        assertThat(cache.lookup(revoked)).as("a revoked key is no key").isEmpty();
        assertThat(lookups).hasValue(3);
    }

    @Test
    void itIsHealthyWhileItsRefreshesSucceed() throws Exception {
        assertThat(cache.healthy()).as("never loaded").isFalse();
        cache.refresh();
        assertThat(cache.healthy()).isTrue();
        down = true;
        assertThatThrownBy(cache::refresh).isInstanceOf(SQLException.class);
        now = now.plusSeconds(25);
        assertThat(cache.healthy()).as("two failed refreshes are tolerated").isTrue();
        now = now.plusSeconds(10);
        assertThat(cache.healthy()).as("three intervals without a refresh").isFalse();
    }
}
