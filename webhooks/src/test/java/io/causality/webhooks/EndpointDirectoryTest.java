package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EndpointDirectoryTest {
    private static TestPostgres postgres;
    private static EndpointStore store;
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

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        SchemaMigrations.apply(postgres.dataSource());
        store =
                new EndpointStore(
                        postgres.dataSource(),
                        new SecretBox("a-delivery-secret-key-of-32-characters!"));
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void changesAreSeenWithinTheRefreshIntervalAndTenantsStayApart() throws Exception {
        EndpointDirectory dir = new EndpointDirectory(store, Duration.ofSeconds(2), clock);
        assertThat(dir.find("shop", "crm")).isEmpty();
        store.add("shop", "crm", "https://crm.example.com/hook", null, false);
        assertThat(dir.find("shop", "crm")).as("within the interval: not yet").isEmpty();
        now = now.plusSeconds(2);
        assertThat(dir.find("shop", "crm")).isPresent();
        assertThat(dir.find("news", "crm")).as("another app's name").isEmpty();

        store.setEnabled("shop", "crm", false, "paused");
        now = now.plusSeconds(2);
        assertThat(dir.find("shop", "crm").orElseThrow().enabled()).isFalse();
        store.delete("shop", "crm");
        now = now.plusSeconds(2);
        assertThat(dir.find("shop", "crm")).isEmpty();
    }

    @Test
    void aStoreThatDoesNotAnswerKeepsTheKnownEndpoints() throws Exception {
        store.add("game", "scores", "https://scores.example.com/", null, false);
        EndpointStore broken =
                new EndpointStore(
                        new org.postgresql.ds.PGSimpleDataSource() {
                            {
                                setUrl("jdbc:postgresql://127.0.0.1:1/none");
                            }
                        },
                        new SecretBox("a-delivery-secret-key-of-32-characters!"));
        EndpointDirectory good = new EndpointDirectory(store, Duration.ofSeconds(2), clock);
        assertThat(good.find("game", "scores")).isPresent();
        EndpointDirectory bad = new EndpointDirectory(broken, Duration.ofSeconds(2), clock);
        assertThat(bad.find("game", "scores")).as("never loaded").isEmpty();
        assertThat(bad.all()).isEmpty();
    }
}
