package io.causality.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery's tables, versioned: the scripts listed in {@code db/migrations.txt} run in order,
 * each once, in its own transaction, recorded in {@code causality_schema_migrations}. An advisory
 * lock keeps two starting processes from running the same script.
 */
public final class SchemaMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
    private static final String COMPONENT = "webhooks";
    private static final String DIR = "/io/causality/webhooks/db/";

    private SchemaMigrations() {}

    /** Applies what is missing; returns the names of the scripts it ran. */
    public static List<String> apply(DataSource dataSource) throws SQLException {
        List<String> ran = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(
                        "CREATE TABLE IF NOT EXISTS causality_schema_migrations (component text NOT NULL,"
                                + " version integer NOT NULL, name text NOT NULL, applied_at timestamptz"
                                + " NOT NULL DEFAULT now(), PRIMARY KEY (component, version))");
                c.commit();
            } catch (SQLException e) {
                // Two processes creating the table at once: one wins, the other goes on.
                c.rollback();
            }
            List<String> scripts = scripts();
            for (int i = 0; i < scripts.size(); i++) {
                int version = i + 1;
                String name = scripts.get(i);
                if (!name.startsWith("V" + version + "__")) {
                    throw new IllegalStateException(
                            "migration "
                                    + version
                                    + " must be named V"
                                    + version
                                    + "__..., found "
                                    + name);
                }
                try (Statement st = c.createStatement()) {
                    st.execute(
                            "SELECT pg_advisory_xact_lock(hashtext('causality-"
                                    + COMPONENT
                                    + "'))");
                }
                if (applied(c, version)) {
                    c.commit();
                    continue;
                }
                try (Statement st = c.createStatement()) {
                    st.execute(read(name));
                }
                try (PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO causality_schema_migrations (component, version, name) VALUES (?, ?, ?)")) {
                    ps.setString(1, COMPONENT);
                    ps.setInt(2, version);
                    ps.setString(3, name);
                    ps.executeUpdate();
                }
                c.commit();
                LOG.info("applied schema migration {}", name);
                ran.add(name);
            }
        }
        return ran;
    }

    private static boolean applied(Connection c, int version) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT 1 FROM causality_schema_migrations WHERE component = ? AND version = ?")) {
            ps.setString(1, COMPONENT);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static List<String> scripts() {
        List<String> out = new ArrayList<>();
        for (String line : read("migrations.txt").split("\n")) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l);
            }
        }
        return out;
    }

    private static String read(String name) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("migration " + name + " could not be read", e);
        }
    }
}
