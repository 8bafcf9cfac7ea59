package io.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty("db.url", "jdbc:postgresql://127.0.0.1:5432/x");
        p.setProperty("auth.signing-secret", SECRET);
        return p;
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        IngestConfig c = IngestConfig.from(new Settings(minimal(), Map.of()));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.maxEventBytes()).isEqualTo(32 * 1024);
        assertThat(c.maxBatchEvents()).isEqualTo(500);
        assertThat(c.kafkaAckTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.corsAllowedOrigins()).isEmpty();
        assertThat(c.describe()).doesNotContain(SECRET).contains("signingSecret=***");
    }

    @Test
    void environmentOverridesTheFile() {
        Properties p = minimal();
        p.setProperty("http.port", "9000");
        IngestConfig c =
                IngestConfig.from(
                        new Settings(
                                p,
                                Map.of(
                                        "CAUSALITY_HTTP_PORT",
                                        "9100",
                                        "CAUSALITY_LIMITS_MAX_BODY_BYTES",
                                        "2MiB",
                                        "CAUSALITY_KAFKA_ACK_TIMEOUT",
                                        "1500ms")));
        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.kafkaAckTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(Settings.envName("kafka.bootstrap-servers"))
                .isEqualTo("CAUSALITY_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void producerSettingsPassThrough() {
        Properties p = minimal();
        p.setProperty("kafka.producer.linger.ms", "20");
        IngestConfig c = IngestConfig.from(new Settings(p, Map.of()));
        assertThat(c.producerOverrides()).containsEntry("linger.ms", "20");
    }

    @Test
    void everyProblemIsReportedAtOnceWithWhatToDo() {
        Properties p = new Properties();
        p.setProperty("http.port", "70000");
        p.setProperty("auth.signing-secret", "short");
        p.setProperty("limits.max-batch-events", "1000");
        p.setProperty("kafka.ack-timeout", "soon");
        assertThatThrownBy(() -> IngestConfig.from(new Settings(p, Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.url is required (or set CAUSALITY_DB_URL)")
                .hasMessageContaining("http.port must be between 0 and 65535, got 70000")
                .hasMessageContaining("auth.signing-secret must be at least 32 characters")
                .hasMessageContaining("limits.max-batch-events must be between 1 and 500")
                .hasMessageContaining("kafka.ack-timeout must be a duration like 500ms");
    }

    @Test
    void refusesANonPostgresDatabaseUrl() {
        Properties p = minimal();
        p.setProperty("db.url", "jdbc:mysql://x");
        assertThatThrownBy(() -> IngestConfig.from(new Settings(p, Map.of())))
                .hasMessageContaining("PostgreSQL JDBC URL");
    }
}
