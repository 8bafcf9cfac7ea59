package io.causality.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the delivery log for {@code causality deliveries}: what was delivered, what failed and
 * every attempt; and rebuilds a delivery from its row so that a replay sends it again through the
 * job's own path, with the same {@code webhook-id} and body.
 */
public final class DeliveryQueries {
    /** Statuses a delivery ends in without having been delivered: what recover sends again. */
    public static final List<String> UNDELIVERED =
            List.of(DeliveryLog.Status.FAILED.label(), DeliveryLog.Status.REFUSED.label());

    private final DataSource db;

    public DeliveryQueries(DataSource db) {
        this.db = db;
    }

    /** One delivery as the log has it. */
    public record Row(
            String deliveryId,
            String appId,
            String endpoint,
            String matchId,
            String matchKey,
            String rule,
            int ruleVersion,
            String status,
            int attempts,
            Integer lastStatusCode,
            String lastError,
            Long lastLatencyMillis,
            Instant createdAt,
            Instant updatedAt,
            Instant deliveredAt,
            Instant nextAttemptAt,
            String body) {}

    /** What {@link #list} selects; nulls select everything. */
    public record Filter(String appId, String endpoint, String status, Instant since, int limit) {}

    private static final String COLUMNS =
            "delivery_id, app_id, endpoint, match_id, match_key, rule, rule_version, status,"
                    + " attempts, last_status_code, last_error, last_latency_ms, created_at,"
                    + " updated_at, delivered_at, next_attempt_at, body";

    /** The newest deliveries first. */
    public List<Row> list(Filter f) throws SQLException {
        StringBuilder sql =
                new StringBuilder("SELECT " + COLUMNS + " FROM webhook_deliveries WHERE true");
        List<Object> args = new ArrayList<>();
        if (f.appId() != null) {
            sql.append(" AND app_id = ?");
            args.add(f.appId());
        }
        if (f.endpoint() != null) {
            sql.append(" AND endpoint = ?");
            args.add(f.endpoint());
        }
        if (f.status() != null) {
            sql.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.since() != null) {
            sql.append(" AND updated_at >= ?");
            args.add(Timestamp.from(f.since()));
        }
        sql.append(" ORDER BY updated_at DESC, delivery_id LIMIT ?");
        args.add(f.limit());
        return rows(sql.toString(), args);
    }

    public Optional<Row> find(String deliveryId) throws SQLException {
        return rows(
                        "SELECT " + COLUMNS + " FROM webhook_deliveries WHERE delivery_id = ?",
                        List.of(deliveryId))
                .stream()
                .findFirst();
    }

    /**
     * The deliveries of one endpoint that ended undelivered (failed or refused) at or after a time,
     * oldest first: what {@code recover} sends again.
     */
    public List<Row> undeliveredSince(String appId, String endpoint, Instant since)
            throws SQLException {
        return rows(
                "SELECT "
                        + COLUMNS
                        + " FROM webhook_deliveries WHERE app_id = ? AND endpoint = ? AND status ="
                        + " ANY (?) AND updated_at >= ? ORDER BY created_at, delivery_id",
                List.of(appId, endpoint, UNDELIVERED, Timestamp.from(since)));
    }

    /** Every attempt of a delivery, in order. */
    public List<DeliveryLog.AttemptRow> attempts(String deliveryId) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT attempt, started_at, status_code, error, latency_ms,"
                                        + " response_head FROM webhook_attempts WHERE delivery_id ="
                                        + " ? ORDER BY attempt")) {
            ps.setString(1, deliveryId);
            List<DeliveryLog.AttemptRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new DeliveryLog.AttemptRow(
                                    deliveryId,
                                    rs.getInt(1),
                                    rs.getTimestamp(2).toInstant(),
                                    (Integer) rs.getObject(3),
                                    rs.getString(4),
                                    rs.getLong(5),
                                    rs.getString(6)));
                }
            }
            return out;
        }
    }

    /**
     * Marks a delivery as sent again, so that {@code list} shows it pending until the job's next
     * row for it (which has one more attempt, so it wins over this one). Returns whether the row
     * was there.
     */
    public boolean markReplayed(String deliveryId, Instant at) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE webhook_deliveries SET status = ?, updated_at = ?,"
                                        + " next_attempt_at = ? WHERE delivery_id = ?")) {
            ps.setString(1, DeliveryLog.Status.PENDING.label());
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setString(4, deliveryId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The delivery to send again, rebuilt from its row: same id, body and lane, its attempt numbers
     * going on from the log's, a new round of the retry schedule. Empty when the row predates the
     * stored bodies.
     */
    public static Optional<Delivery> replayOf(Row r) {
        if (r.body() == null) {
            return Optional.empty();
        }
        Delivery d = new Delivery();
        d.deliveryId = r.deliveryId();
        d.appId = r.appId();
        d.endpoint = r.endpoint();
        d.matchId = r.matchId();
        d.key = r.matchKey();
        d.rule = r.rule();
        d.ruleVersion = r.ruleVersion();
        d.body = r.body();
        d.attempts = r.attempts();
        d.firstSeenMillis = r.createdAt().toEpochMilli();
        return Optional.of(d.replayed());
    }

    private List<Row> rows(String sql, List<?> args) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof List<?> list) {
                    ps.setArray(i + 1, c.createArrayOf("text", list.toArray()));
                } else {
                    ps.setObject(i + 1, a);
                }
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Row(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getInt(7),
                                    rs.getString(8),
                                    rs.getInt(9),
                                    (Integer) rs.getObject(10),
                                    rs.getString(11),
                                    (Long) rs.getObject(12),
                                    instant(rs.getTimestamp(13)),
                                    instant(rs.getTimestamp(14)),
                                    instant(rs.getTimestamp(15)),
                                    instant(rs.getTimestamp(16)),
                                    rs.getString(17)));
                }
            }
            return out;
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
