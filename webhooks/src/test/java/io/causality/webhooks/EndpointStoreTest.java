package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.causality.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EndpointStoreTest {
    private static final String KEY = "a-delivery-secret-key-of-at-least-32-chars";
    private static TestPostgres postgres;
    private static DataSource db;
    private static EndpointStore store;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        db = postgres.dataSource();
        assertThat(SchemaMigrations.apply(db))
                .containsExactly(
                        "V1__webhook_endpoints.sql",
                        "V2__webhook_deliveries.sql",
                        "V3__webhook_delivery_bodies.sql");
        store = new EndpointStore(db, new SecretBox(KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void migrationsRunOnce() throws Exception {
        assertThat(SchemaMigrations.apply(db)).isEmpty();
    }

    @Test
    void anEndpointIsAddedOncePerAppAndNameWithItsSecretShownOnce() throws Exception {
        EndpointStore.WithSecret made =
                store.add("shop", "sales", "https://hooks.example.com/sales", 20, true);
        Endpoint e = made.endpoint();
        assertThat(e.url().toString()).isEqualTo("https://hooks.example.com/sales");
        assertThat(e.ratePerSecond()).isEqualTo(20);
        assertThat(e.ordered()).isTrue();
        assertThat(e.enabled()).isTrue();
        assertThat(e.secret()).isEqualTo(made.secret());
        assertThat(made.secret().reveal()).startsWith("whsec_");

        assertThatThrownBy(
                        () -> store.add("shop", "sales", "https://other.example.com", null, false))
                .hasMessageContaining("has an endpoint named sales already");
        // Another app may use the same name: tenants never share endpoints.
        Endpoint news =
                store.add("news", "sales", "https://news.example.com/", null, false).endpoint();
        assertThat(news.secret()).isNotEqualTo(e.secret());
        assertThat(store.list("news")).extracting(Endpoint::appId).containsOnly("news");
        assertThat(store.find("news", "nothing")).isEmpty();
    }

    @Test
    void theSecretIsSealedAtRestAndBoundToItsEndpoint() throws Exception {
        EndpointStore.WithSecret made =
                store.add("shop", "sealed", "https://a.example.com/", null, false);
        byte[] stored;
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT secret FROM webhook_endpoints WHERE app_id = 'shop' AND name = 'sealed'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            stored = rs.getBytes(1);
        }
        assertThat(new String(stored, StandardCharsets.ISO_8859_1))
                .doesNotContain(made.secret().reveal().substring(6, 20));
        assertThatThrownBy(
                        () ->
                                new SecretBox("another-key-of-at-least-thirty-two-chars")
                                        .open(stored, "shop", "sealed"))
                .hasMessageContaining("was the key changed?");
        assertThatThrownBy(() -> new SecretBox(KEY).open(stored, "news", "sealed"))
                .as("copied to another app's row")
                .isInstanceOf(IllegalStateException.class);
        assertThat(new SecretBox(KEY).open(stored, "shop", "sealed")).isEqualTo(made.secret());
        assertThatThrownBy(() -> new SecretBox("short")).hasMessageContaining("at least 32");
    }

    @Test
    void aRotatedSecretSignsBesideTheNewOneForTheGracePeriod() throws Exception {
        WebhookSecret first =
                store.add("shop", "rotating", "https://r.example.com/", null, false).secret();
        EndpointStore.WithSecret rotated =
                store.rotateSecret("shop", "rotating", Duration.ofHours(24));
        Endpoint e = rotated.endpoint();
        assertThat(e.secret()).isEqualTo(rotated.secret()).isNotEqualTo(first);
        Instant now = Instant.now();
        assertThat(e.signingSecrets(now)).containsExactly(rotated.secret(), first);
        assertThat(e.signingSecrets(now.plus(Duration.ofHours(25))))
                .containsExactly(rotated.secret());
    }

    @Test
    void everyChangeMovesTheVersionDeletesToo() throws Exception {
        EndpointStore.Version v0 = store.version();
        store.add("shop", "versioned", "https://v.example.com/", null, false);
        EndpointStore.Version v1 = store.version();
        assertThat(v1).isNotEqualTo(v0);
        assertThat(store.setEnabled("shop", "versioned", false, "testing")).isTrue();
        assertThat(store.setEnabled("shop", "versioned", false, "again"))
                .as("already disabled")
                .isFalse();
        EndpointStore.Version v2 = store.version();
        assertThat(v2).isNotEqualTo(v1);
        Endpoint off = store.find("shop", "versioned").orElseThrow();
        assertThat(off.enabled()).isFalse();
        assertThat(off.disabledReason()).isEqualTo("testing");
        assertThat(store.setEnabled("shop", "versioned", true, null)).isTrue();
        assertThat(store.find("shop", "versioned").orElseThrow().disabledReason()).isNull();
        EndpointStore.Version v3 = store.version();
        assertThat(store.delete("shop", "versioned")).isTrue();
        assertThat(store.delete("shop", "versioned")).isFalse();
        assertThat(store.version()).isNotEqualTo(v3);
    }

    @Test
    void badInputSaysWhatToFix() {
        assertThatThrownBy(() -> store.add("Shop!", "x", "https://a.example.com", null, false))
                .hasMessageContaining("app id");
        assertThatThrownBy(
                        () ->
                                store.add(
                                        "shop",
                                        "Sales Alerts",
                                        "https://a.example.com",
                                        null,
                                        false))
                .hasMessageContaining("endpoint name");
        assertThatThrownBy(() -> store.add("shop", "x", "ftp://a.example.com", null, false))
                .hasMessageContaining("https://");
        assertThatThrownBy(
                        () -> store.add("shop", "x", "https://user:pw@a.example.com", null, false))
                .hasMessageContaining("no user name or password");
        assertThatThrownBy(() -> store.add("shop", "x", "https:///path", null, false))
                .hasMessageContaining("names a host");
        assertThatThrownBy(() -> store.add("shop", "x", "https://a.example.com", 0, false))
                .hasMessageContaining("--rate");
        assertThatThrownBy(() -> store.rotateSecret("shop", "missing", Duration.ofHours(1)))
                .hasMessageContaining("has no endpoint named missing");
    }
}
