package io.causality.ingest;

import io.causality.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Everything the ingest service can be told, with its defaults. Built from {@link Settings}; {@link
 * #from} validates every value and reports all problems at once.
 */
public record IngestConfig(
        String host,
        int port,
        int eventLoops,
        long maxBodyBytes,
        long maxDecompressedBytes,
        int maxEventBytes,
        int maxBatchEvents,
        Duration maxFutureEventTime,
        int rateLimitPerSecond,
        int rateLimitBurst,
        List<String> corsAllowedOrigins,
        boolean trustForwardedFor,
        int trustedProxies,
        String signingSecret,
        Duration signatureSkew,
        Duration keyRefreshInterval,
        int unknownKeyLookupsPerSecond,
        int maxPendingKeyLookups,
        String dbUrl,
        String dbUser,
        String dbPassword,
        String kafkaBootstrapServers,
        String eventsTopic,
        Duration kafkaAckTimeout,
        long maxInflightBytes,
        Properties producerOverrides,
        Duration shutdownTimeout) {

    public static final int MAX_BATCH_EVENTS_CEILING = 500;
    public static final int MIN_SIGNING_SECRET_LENGTH = 32;

    public static IngestConfig from(Settings s) {
        IngestConfig c =
                new IngestConfig(
                        s.string("http.host", "127.0.0.1"),
                        s.integer("http.port", 8080, 0, 65535),
                        s.integer(
                                "http.event-loops",
                                Runtime.getRuntime().availableProcessors(),
                                1,
                                64),
                        s.bytes("limits.max-body-bytes", 1024 * 1024, 1024),
                        s.bytes("limits.max-decompressed-bytes", 4 * 1024 * 1024, 1024),
                        (int) s.bytes("limits.max-event-bytes", 32 * 1024, 256),
                        s.integer(
                                "limits.max-batch-events",
                                MAX_BATCH_EVENTS_CEILING,
                                1,
                                MAX_BATCH_EVENTS_CEILING),
                        s.duration("limits.max-future-event-time", Duration.ofHours(24)),
                        s.integer("rate-limit.requests-per-second", 100, 1, 1_000_000),
                        s.integer("rate-limit.burst", 200, 1, 10_000_000),
                        s.list("cors.allowed-origins"),
                        s.bool("http.trust-forwarded-for", false),
                        s.integer("http.trusted-proxies", 1, 1, 16),
                        s.required("auth.signing-secret"),
                        s.duration("auth.signature-skew", Duration.ofMinutes(5)),
                        s.duration("auth.key-refresh-interval", Duration.ofSeconds(5)),
                        s.integer("auth.unknown-key-lookups-per-second", 5, 1, 10_000),
                        s.integer("auth.max-pending-key-lookups", 2, 1, 3),
                        s.required("db.url"),
                        s.string("db.user", "causality"),
                        s.string("db.password", ""),
                        s.string("kafka.bootstrap-servers", "127.0.0.1:9092"),
                        s.string("kafka.topic", Topics.EVENTS),
                        s.duration("kafka.ack-timeout", Duration.ofSeconds(10)),
                        s.bytes("kafka.max-inflight-bytes", 32L * 1024 * 1024, 64 * 1024),
                        s.withPrefix("kafka.producer."),
                        s.duration("shutdown.timeout", Duration.ofSeconds(20)));
        if (!c.signingSecret.isEmpty() && c.signingSecret.length() < MIN_SIGNING_SECRET_LENGTH) {
            s.problem(
                    "auth.signing-secret must be at least "
                            + MIN_SIGNING_SECRET_LENGTH
                            + " characters of random text (e.g. `openssl rand -base64 32`)");
        }
        if (!c.dbUrl.isEmpty() && !c.dbUrl.startsWith("jdbc:postgresql:")) {
            s.problem("db.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
        }
        if (c.maxDecompressedBytes < c.maxBodyBytes) {
            s.problem(
                    "limits.max-decompressed-bytes must not be smaller than limits.max-body-bytes");
        }
        if (c.maxEventBytes > c.maxDecompressedBytes) {
            s.problem("limits.max-event-bytes must not exceed limits.max-decompressed-bytes");
        }
        if (c.rateLimitBurst < c.rateLimitPerSecond) {
            s.problem("rate-limit.burst must be at least rate-limit.requests-per-second");
        }
        if (c.kafkaAckTimeout.toMillis() < 1000) {
            s.problem("kafka.ack-timeout must be at least 1s");
        }
        if (c.maxFutureEventTime.isNegative()) {
            s.problem("limits.max-future-event-time must not be negative");
        }
        s.check();
        return c;
    }

    /** Renders the configuration for the start-up log, with secrets masked. */
    public String describe() {
        return "host="
                + host
                + " port="
                + port
                + " eventLoops="
                + eventLoops
                + " maxBodyBytes="
                + maxBodyBytes
                + " maxEventBytes="
                + maxEventBytes
                + " maxBatchEvents="
                + maxBatchEvents
                + " rateLimit="
                + rateLimitPerSecond
                + "/s burst "
                + rateLimitBurst
                + " corsOrigins="
                + corsAllowedOrigins
                + " db="
                + dbUrl
                + " kafka="
                + kafkaBootstrapServers
                + " topic="
                + eventsTopic
                + " ackTimeout="
                + kafkaAckTimeout
                + " signingSecret=***";
    }
}
