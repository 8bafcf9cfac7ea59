package io.causality.webhooks;

import io.causality.contracts.EndpointNames;
import io.causality.schemas.EventFields;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Webhook endpoints in PostgreSQL ({@code webhook_endpoints}), one set per app, secrets sealed by a
 * {@link SecretBox}. The command line writes here; the delivery job reads (and records what
 * deliveries found: successes, failures, a 410).
 */
public final class EndpointStore {
    private static final String COLUMNS =
            "app_id, name, url, rate_per_second, ordered, enabled, disabled_reason, disabled_at,"
                    + " secret, previous_secret, previous_secret_until, last_success_at,"
                    + " failing_since, created_at, updated_at, change";

    private final DataSource dataSource;
    private final SecretBox box;

    public EndpointStore(DataSource dataSource, SecretBox box) {
        this.dataSource = dataSource;
        this.box = box;
    }

    /** A refusal of what was asked, with what to fix; nothing was changed. */
    public static final class EndpointException extends Exception {
        private static final long serialVersionUID = 1L;

        public EndpointException(String message) {
            super(message);
        }
    }

    /** An endpoint just created or given a new secret: the secret is shown once, from here. */
    public record WithSecret(Endpoint endpoint, WebhookSecret secret) {}

    public WithSecret add(
            String appId, String name, String url, Integer ratePerSecond, boolean ordered)
            throws SQLException, EndpointException {
        check(appId, name);
        URI uri;
        try {
            uri = EndpointUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new EndpointException(e.getMessage());
        }
        if (ratePerSecond != null && ratePerSecond <= 0) {
            throw new EndpointException("--rate is a number of messages per second above 0");
        }
        WebhookSecret secret = WebhookSecret.generate();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO webhook_endpoints (app_id, name, url, rate_per_second, ordered,"
                                        + " secret) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, appId);
            ps.setString(2, name);
            ps.setString(3, uri.toString());
            if (ratePerSecond == null) {
                ps.setNull(4, Types.INTEGER);
            } else {
                ps.setInt(4, ratePerSecond);
            }
            ps.setBoolean(5, ordered);
            ps.setBytes(6, box.seal(secret, appId, name));
            if (ps.executeUpdate() == 0) {
                throw new EndpointException(
                        "app " + appId + " has an endpoint named " + name + " already");
            }
        }
        return new WithSecret(find(appId, name).orElseThrow(), secret);
    }

    public Optional<Endpoint> find(String appId, String name) throws SQLException {
        return query(
                        "SELECT "
                                + COLUMNS
                                + " FROM webhook_endpoints WHERE app_id = ? AND name = ?",
                        appId,
                        name)
                .stream()
                .findFirst();
    }

    /** The endpoints of one app, or of all apps when {@code appId} is null, by app and name. */
    public List<Endpoint> list(String appId) throws SQLException {
        return appId == null
                ? query("SELECT " + COLUMNS + " FROM webhook_endpoints ORDER BY app_id, name")
                : query(
                        "SELECT "
                                + COLUMNS
                                + " FROM webhook_endpoints WHERE app_id = ? ORDER BY name",
                        appId);
    }

    /**
     * What changes when anything changes: the number of rows and the largest change number. A
     * reader reloads when it moves.
     */
    public record Version(long rows, long lastChange) {}

    public Version version() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*), coalesce(max(change), 0) FROM webhook_endpoints");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Version(rs.getLong(1), rs.getLong(2));
        }
    }

    /**
     * A new secret; the old one keeps signing beside it for {@code grace} so that receivers can
     * roll over.
     */
    public WithSecret rotateSecret(String appId, String name, Duration grace)
            throws SQLException, EndpointException {
        Endpoint e = existing(appId, name);
        WebhookSecret next = WebhookSecret.generate();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE webhook_endpoints SET previous_secret = secret,"
                                        + " previous_secret_until = ?, secret = ?, updated_at = now(),"
                                        + " change = nextval('webhook_endpoint_changes') WHERE app_id = ? AND"
                                        + " name = ? AND change = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().plus(grace)));
            ps.setBytes(2, box.seal(next, appId, name));
            ps.setString(3, appId);
            ps.setString(4, name);
            ps.setLong(5, e.change());
            if (ps.executeUpdate() == 0) {
                throw new EndpointException(
                        "endpoint "
                                + appId
                                + "/"
                                + name
                                + " changed meanwhile; run the command again");
            }
        }
        return new WithSecret(existing(appId, name), next);
    }

    /** Enables, or disables with a reason; false when it was in that state already. */
    public boolean setEnabled(String appId, String name, boolean enabled, String reason)
            throws SQLException, EndpointException {
        existing(appId, name);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                enabled
                                        ? "UPDATE webhook_endpoints SET enabled = true, disabled_reason = NULL,"
                                                + " disabled_at = NULL, failing_since = NULL, updated_at = now(),"
                                                + " change = nextval('webhook_endpoint_changes') WHERE app_id = ?"
                                                + " AND name = ? AND NOT enabled"
                                        : "UPDATE webhook_endpoints SET enabled = false, disabled_reason = ?,"
                                                + " disabled_at = now(), updated_at = now(), change ="
                                                + " nextval('webhook_endpoint_changes') WHERE app_id = ? AND name = ?"
                                                + " AND enabled")) {
            int i = 1;
            if (!enabled) {
                ps.setString(i++, reason == null ? "disabled by an operator" : reason);
            }
            ps.setString(i++, appId);
            ps.setString(i, name);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * A delivery to the endpoint succeeded: it is not failing. Does not count as a change (the
     * job's directory need not reload for it).
     */
    public void recordSuccess(String appId, String name, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE webhook_endpoints SET last_success_at = greatest(last_success_at, ?),"
                                        + " failing_since = NULL WHERE app_id = ? AND name = ?")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, appId);
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }

    /**
     * An attempt failed: returns since when the endpoint has failed without a success (this
     * failure, if it is the first), or null when it no longer exists.
     */
    public Instant recordFailure(String appId, String name, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?)"
                                        + " WHERE app_id = ? AND name = ? RETURNING failing_since")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, appId);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? instant(rs.getTimestamp(1)) : null;
            }
        }
    }

    public boolean delete(String appId, String name) throws SQLException, EndpointException {
        check(appId, name);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "DELETE FROM webhook_endpoints WHERE app_id = ? AND name = ?")) {
            ps.setString(1, appId);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
        }
    }

    private Endpoint existing(String appId, String name) throws SQLException, EndpointException {
        check(appId, name);
        return find(appId, name)
                .orElseThrow(
                        () ->
                                new EndpointException(
                                        "app "
                                                + appId
                                                + " has no endpoint named "
                                                + name
                                                + " (see causality endpoints list)"));
    }

    private static void check(String appId, String name) throws EndpointException {
        if (appId == null || !EventFields.APP_ID_PATTERN.matcher(appId).matches()) {
            throw new EndpointException(EventFields.APP_ID_RULE);
        }
        if (!EndpointNames.valid(name)) {
            throw new EndpointException(EndpointNames.RULE);
        }
    }

    private List<Endpoint> query(String sql, String... params) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<Endpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    private Endpoint read(ResultSet rs) throws SQLException {
        String app = rs.getString(1);
        String name = rs.getString(2);
        int rate = rs.getInt(4);
        Integer ratePerSecond = rs.wasNull() ? null : rate;
        byte[] previous = rs.getBytes(10);
        return new Endpoint(
                app,
                name,
                URI.create(rs.getString(3)),
                ratePerSecond,
                rs.getBoolean(5),
                rs.getBoolean(6),
                rs.getString(7),
                instant(rs.getTimestamp(8)),
                box.open(rs.getBytes(9), app, name),
                previous == null ? null : box.open(previous, app, name),
                instant(rs.getTimestamp(11)),
                instant(rs.getTimestamp(12)),
                instant(rs.getTimestamp(13)),
                instant(rs.getTimestamp(14)),
                instant(rs.getTimestamp(15)),
                rs.getLong(16));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
