package io.causality.testing;

import io.causality.processes.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for a test, started in-process from the binaries the stack uses, with
 * its data under {@code target/}; closing it stops the server.
 */
public final class TestPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;

    private TestPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** A new server with an empty database, its data in a fresh folder of {@code target/}. */
    public static TestPostgres start() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        return new TestPostgres(
                PostgresServer.embedded(
                        target.resolve("pg-" + UUID.randomUUID().toString().substring(0, 8)),
                        target.resolve("pg-bin"),
                        FreePorts.next()));
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return PostgresServer.jdbcUrl(server.getPort());
    }

    /** Connections to the server as its superuser; no pool. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl());
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
