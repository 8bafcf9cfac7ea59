package io.causality.webhooks;

import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/**
 * The rows of the delivery log ({@code webhook_deliveries}, {@code webhook_attempts}) and the
 * statements that write them: idempotent upserts, so that the job's at-least-once JDBC sink can
 * write a row again after a restart without a second row, and an older state written again never
 * overwrites a newer one.
 */
public final class DeliveryLog {
    private DeliveryLog() {}

    /** Where a delivery stands. */
    public enum Status {
        PENDING(0),
        RETRYING(1),
        DELIVERED(2),
        FAILED(2),
        REFUSED(2);

        private final int rank;

        Status(int rank) {
            this.rank = rank;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One delivery's row. A POJO-like record, serialisable for Flink. */
    public record DeliveryRow(
            String deliveryId,
            String appId,
            String endpoint,
            String actionId,
            String matchId,
            String matchKey,
            String rule,
            int ruleVersion,
            String body,
            Status status,
            int attempts,
            Integer lastStatusCode,
            String lastError,
            Long lastLatencyMillis,
            Instant createdAt,
            Instant updatedAt,
            Instant deliveredAt,
            Instant nextAttemptAt)
            implements Serializable {

        /** Orders the states of one delivery: more attempts, then pending, retrying, final. */
        public int progress() {
            return attempts * 10 + status.rank;
        }
    }

    /** One attempt's row. */
    public record AttemptRow(
            String deliveryId,
            int attempt,
            Instant startedAt,
            Integer statusCode,
            String error,
            long latencyMillis,
            String responseHead)
            implements Serializable {}

    public static final String UPSERT_DELIVERY =
            "INSERT INTO webhook_deliveries (delivery_id, app_id, endpoint, action_id, match_id, rule,"
                    + " status, attempts, last_status_code, last_error, last_latency_ms, progress,"
                    + " created_at, updated_at, delivered_at, next_attempt_at, match_key,"
                    + " rule_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?) ON CONFLICT (delivery_id) DO UPDATE SET status = EXCLUDED.status,"
                    + " attempts = EXCLUDED.attempts, last_status_code = EXCLUDED.last_status_code,"
                    + " last_error = EXCLUDED.last_error, last_latency_ms = EXCLUDED.last_latency_ms,"
                    + " progress = EXCLUDED.progress, updated_at = EXCLUDED.updated_at,"
                    + " delivered_at = coalesce(EXCLUDED.delivered_at,"
                    + " webhook_deliveries.delivered_at), next_attempt_at = EXCLUDED.next_attempt_at,"
                    + " body = coalesce(webhook_deliveries.body, EXCLUDED.body)"
                    + " WHERE webhook_deliveries.progress <= EXCLUDED.progress";

    public static final String UPSERT_ATTEMPT =
            "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, error,"
                    + " latency_ms, response_head) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                    + " (delivery_id, attempt) DO UPDATE SET started_at = EXCLUDED.started_at,"
                    + " status_code = EXCLUDED.status_code, error = EXCLUDED.error, latency_ms ="
                    + " EXCLUDED.latency_ms, response_head = EXCLUDED.response_head";

    /** Longest error and response head stored; the rest is cut. */
    static final int MAX_TEXT = 2048;

    public static void bind(PreparedStatement ps, DeliveryRow r) throws SQLException {
        ps.setString(1, r.deliveryId());
        ps.setString(2, r.appId());
        ps.setString(3, r.endpoint());
        ps.setString(4, r.actionId());
        ps.setString(5, r.matchId());
        ps.setString(6, r.rule());
        ps.setString(7, r.status().label());
        ps.setInt(8, r.attempts());
        integer(ps, 9, r.lastStatusCode());
        ps.setString(10, cut(r.lastError()));
        if (r.lastLatencyMillis() == null) {
            ps.setNull(11, Types.BIGINT);
        } else {
            ps.setLong(11, r.lastLatencyMillis());
        }
        ps.setInt(12, r.progress());
        ps.setTimestamp(13, Timestamp.from(r.createdAt()));
        ps.setTimestamp(14, Timestamp.from(r.updatedAt()));
        ps.setTimestamp(15, timestamp(r.deliveredAt()));
        ps.setTimestamp(16, timestamp(r.nextAttemptAt()));
        ps.setString(17, r.matchKey());
        ps.setInt(18, r.ruleVersion());
        ps.setString(19, r.body());
    }

    public static void bind(PreparedStatement ps, AttemptRow r) throws SQLException {
        ps.setString(1, r.deliveryId());
        ps.setInt(2, r.attempt());
        ps.setTimestamp(3, Timestamp.from(r.startedAt()));
        integer(ps, 4, r.statusCode());
        ps.setString(5, cut(r.error()));
        ps.setLong(6, r.latencyMillis());
        ps.setString(7, cut(r.responseHead()));
    }

    private static void integer(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static Timestamp timestamp(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }

    /** Text cut to what is stored; PostgreSQL refuses NUL characters in text, so they go too. */
    static String cut(String s) {
        if (s == null) {
            return null;
        }
        String t = s.indexOf('\0') >= 0 ? s.replace("\0", "") : s;
        return t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t;
    }
}
