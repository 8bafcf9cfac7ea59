package io.causality.stack;

import io.causality.processes.ManagedProcess;
import io.causality.processes.Poll;
import io.causality.processes.StackLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A single-node Trino (coordinator and worker in one JVM) on 127.0.0.1, with one catalog, {@code
 * lake}: the Hive connector over the stack's S3 server, its metastore a folder. It runs on a JDK
 * new enough for Trino ({@link JavaRuntimes}), from the release the trino-dist module unpacks.
 * Configuration lives in {@code $CAUSALITY_HOME/trino/etc}, data in {@code .../data}.
 */
public final class TrinoServer {
    /** The catalog of the lake and the schema its tables are in. */
    public static final String CATALOG = "lake";

    public static final String SCHEMA = "causality";

    private final Path install;
    private final Path home;
    private final int port;
    private final S3Server s3;
    private final ManagedProcess process;

    /**
     * @param install the unpacked server (lib/ and plugin/)
     */
    public TrinoServer(StackLayout layout, Path install, int port, S3Server s3) {
        this.install = install;
        this.home = layout.home().resolve("trino");
        this.port = port;
        this.s3 = s3;
        this.process = new ManagedProcess("trino", layout);
    }

    /** The Trino version and the least Java it runs on, as the parent POM sets them. */
    public static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = TrinoServer.class.getResourceAsStream("trino.properties")) {
            if (in == null) {
                throw new IOException("trino.properties missing from the stack jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static Runtime.Version minimumJava() {
        return Runtime.Version.parse(versions().getProperty("trino.java.minimum"));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ManagedProcess process() {
        return process;
    }

    public TrinoClient client() {
        return new TrinoClient(url(), "causality", CATALOG, SCHEMA);
    }

    /** Starts Trino with the given JDK unless it runs, then waits until it answers a query. */
    public void start(JavaRuntimes.Jdk jdk, Duration timeout)
            throws IOException, InterruptedException {
        if (process.running().isEmpty()) {
            if (!Files.isDirectory(install.resolve("lib"))
                    || !Files.isDirectory(install.resolve("plugin/hive"))) {
                throw new IOException(
                        "no Trino server at "
                                + install
                                + "; build the trino-dist module (./causality builds it)");
            }
            Path etc = writeConfig();
            Path data = home.resolve("data");
            Path tmp = data.resolve("tmp");
            Files.createDirectories(tmp);
            List<String> command =
                    List.of(
                            jdk.java().toString(),
                            "-XX:-UsePerfData",
                            "-Xmx2G",
                            "-XX:+UseG1GC",
                            "-XX:+ExitOnOutOfMemoryError",
                            "-XX:+HeapDumpOnOutOfMemoryError",
                            "-XX:HeapDumpPath=" + data,
                            "-XX:+EnableDynamicAgentLoading",
                            "-Djdk.attach.allowAttachSelf=true",
                            "--enable-native-access=ALL-UNNAMED",
                            "--sun-misc-unsafe-memory-access=allow",
                            "-Dfile.encoding=UTF-8",
                            "-Djava.io.tmpdir=" + tmp,
                            "-Djna.tmpdir=" + tmp,
                            "-Dconfig=" + etc.resolve("config.properties"),
                            "-cp",
                            install.resolve("lib") + "/*",
                            "io.trino.server.TrinoServer");
            // Like the launcher, run in the data folder: anything relative lands there.
            process.start(command, Map.of(), data);
        }
        awaitReady(timeout);
    }

    /** Ready means a real query succeeds: the server answers NO_NODES_AVAILABLE for a while. */
    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        TrinoClient client = client();
        Poll.forThe("Trino to answer a query", timeout, Duration.ofMillis(500), process)
                .until(() -> client.query("SELECT 1", Duration.ofSeconds(10)) != null);
    }

    private Path writeConfig() throws IOException {
        Path etc = home.resolve("etc");
        Path catalogs = etc.resolve("catalog");
        Files.createDirectories(catalogs);
        Files.createDirectories(home.resolve("metastore"));
        Files.writeString(
                etc.resolve("config.properties"),
                String.join(
                        "\n",
                        "# Written by `causality up`; a single node on loopback.",
                        "coordinator=true",
                        "node-scheduler.include-coordinator=true",
                        "node.environment=causality",
                        "node.id=causality-local",
                        "node.bind-ip=127.0.0.1",
                        "node.internal-address=127.0.0.1",
                        "http-server.http.port=" + port,
                        "discovery.uri=" + url(),
                        "query.max-memory=1GB",
                        "query.max-memory-per-node=512MB",
                        "plugin.dir=" + install.resolve("plugin"),
                        "catalog.config-dir=" + catalogs,
                        "log.console-format=json",
                        ""),
                StandardCharsets.UTF_8);
        // The catalog holds the S3 secret key: readable by its owner only.
        Path lake = catalogs.resolve(CATALOG + ".properties");
        StringBuilder text = new StringBuilder();
        catalog(s3.endpoint(), s3.accessKey(), s3.secretKey(), home.toString())
                .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        LocalSecrets.writePrivate(lake, text.toString());
        return etc;
    }

    /**
     * The lake catalog: the Hive connector over S3, its metastore a folder ({@code
     * local:///metastore} under {@code localLocation}). The containers' catalog
     * (deploy/compose/trino/lake.properties) has the same settings but for where S3 and the folder
     * are.
     */
    public static java.util.Map<String, String> catalog(
            String s3Endpoint, String accessKey, String secretKey, String localLocation) {
        java.util.Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("connector.name", "hive");
        c.put("hive.metastore", "file");
        c.put("hive.metastore.catalog.dir", "local:///metastore");
        c.put("fs.native-local.enabled", "true");
        c.put("local.location", localLocation);
        c.put("fs.native-s3.enabled", "true");
        c.put("s3.endpoint", s3Endpoint);
        c.put("s3.path-style-access", "true");
        c.put("s3.region", "us-east-1");
        c.put("s3.aws-access-key", accessKey);
        c.put("s3.aws-secret-key", secretKey);
        // Partitions the sync has not seen removed yet are skipped, not errors.
        c.put("hive.ignore-absent-partitions", "true");
        return c;
    }

    public boolean stop() throws IOException {
        return process.stop(Duration.ofSeconds(30));
    }
}
