package io.causality.ingest.auth;

import io.causality.schemas.EventFields;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Write keys in PostgreSQL (table {@code write_keys}, see {@code schema.sql}). Internal to the
 * ingest: tools outside it use {@link KeyAdmin}, the service a {@link KeyCache} over it.
 */
final class KeyStore implements KeyCache.Store {
    private static final String COLUMNS =
            "key_id, key_hash, app_id, label, signing_required, created_at, revoked_at";

    private final DataSource dataSource;

    KeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the tables if they do not exist; safe to run at every start. */
    void migrate() throws SQLException {
        String ddl;
        try (InputStream in =
                KeyStore.class.getResourceAsStream("/io/causality/ingest/schema.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new SQLException("schema.sql missing from the ingest jar", e);
        }
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(ddl);
        }
    }

    WriteKey create(String key, String appId, String label, boolean signingRequired)
            throws SQLException {
        if (appId == null || !EventFields.APP_ID_PATTERN.matcher(appId).matches()) {
            throw new IllegalArgumentException(EventFields.APP_ID_RULE);
        }
        WriteKey record =
                new WriteKey(
                        WriteKeys.keyId(key),
                        WriteKeys.hash(key),
                        appId,
                        label == null ? "" : label,
                        signingRequired,
                        Instant.now(),
                        null);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO write_keys (key_id, key_hash, app_id, label, signing_required, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, record.keyId());
            ps.setString(2, record.keyHash());
            ps.setString(3, record.appId());
            ps.setString(4, record.label());
            ps.setBoolean(5, signingRequired);
            ps.setTimestamp(6, Timestamp.from(record.createdAt()));
            ps.executeUpdate();
        }
        return record;
    }

    /** Marks a key revoked; returns false when no such active key exists. */
    boolean revoke(String keyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE write_keys SET revoked_at = now() WHERE key_id = ? AND revoked_at IS NULL")) {
            ps.setString(1, keyId);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public List<WriteKey> list() throws SQLException {
        return query("SELECT " + COLUMNS + " FROM write_keys ORDER BY created_at", null);
    }

    @Override
    public Optional<WriteKey> findByHash(String hash) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM write_keys WHERE key_hash = ?", hash).stream()
                .findFirst();
    }

    private List<WriteKey> query(String sql, String param) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            List<WriteKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp revoked = rs.getTimestamp(7);
                    out.add(
                            new WriteKey(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getBoolean(5),
                                    rs.getTimestamp(6).toInstant(),
                                    revoked == null ? null : revoked.toInstant()));
                }
            }
            return out;
        }
    }
}
