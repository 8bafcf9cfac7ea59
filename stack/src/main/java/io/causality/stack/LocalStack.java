package io.causality.stack;

import com.zaxxer.hikari.HikariDataSource;
import io.causality.contracts.JobNames;
import io.causality.contracts.MetricNames;
import io.causality.contracts.Topics;
import io.causality.ingest.auth.KeyAdmin;
import io.causality.processes.KafkaBroker;
import io.causality.processes.ManagedProcess;
import io.causality.processes.Poll;
import io.causality.processes.PostgresServer;
import io.causality.processes.StackLayout;
import io.causality.processes.StackResources;
import io.causality.schemas.lake.LakeSchema;
import io.causality.stack.StackJobs.StackJob;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SchemaMigrations;
import io.causality.webhooks.SecretBox;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The whole pipeline on one machine, as real processes: PostgreSQL, a Kafka broker and the ingest
 * service. {@link #up} starts what is not running and leaves what is; {@link #down} stops them in
 * reverse order.
 */
public final class LocalStack {
    /** Apps the demo sends as; each gets a write key at the first {@code up}. */
    public static final List<String> DEMO_APPS = List.of("demo-shop", "demo-news", "demo-game");

    private final StackLayout layout;
    private final StackConfig config;
    private final PrintStream out;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final ManagedProcess ingest;
    private final FlinkCluster flink;
    private final Path root;

    /** The Flink job that lands events in the lake, by the name it runs under. */
    static final String WAREHOUSE_JOB = JobNames.WAREHOUSE;

    /** The Flink job that runs the deployed rules. */
    static final String REACTION_JOB = JobNames.REACTION;

    static final String DELIVERY_JOB = JobNames.DELIVERY;

    /** The Flink job that runs the deployed detectors. */
    static final String ANOMALY_JOB = JobNames.ANOMALY;

    /**
     * Locally the lake should show up within seconds: checkpoints every 5 s and small files
     * compacted every 3 checkpoints (production defaults: 30 s and 10).
     */
    static final int CHECKPOINT_SECONDS = 5;

    static final int COMPACTION_CHECKPOINTS = 3;

    /**
     * @param root the repository, where the built Flink distribution and job jar are
     */
    public LocalStack(Path root, StackLayout layout, StackConfig config, PrintStream out) {
        this.root = root;
        this.layout = layout;
        this.config = config;
        this.out = out;
        this.postgres = new PostgresServer(layout, config.postgresPort());
        this.kafka = new KafkaBroker(layout, config.kafkaPort(), config.kafkaControllerPort());
        this.ingest = new ManagedProcess("ingest", layout);
        this.secrets = new LocalSecrets(layout.conf().resolve("secrets.properties"));
        this.s3 =
                new S3Server(
                        layout,
                        root.resolve("flink-conf/target/s3proxy/s3proxy.jar"),
                        config.s3Port(),
                        secrets);
        this.flink =
                new FlinkCluster(
                        layout,
                        root.resolve("flink-conf/target/flink"),
                        root.resolve("flink-conf/src/main/flink"),
                        config.flinkRestPort(),
                        config.flinkRpcPort(),
                        s3);
        this.trino =
                new TrinoServer(
                        layout, root.resolve("trino-dist/target/trino"), config.trinoPort(), s3);
    }

    private final TrinoServer trino;

    private final LocalSecrets secrets;
    private final S3Server s3;

    /** Where the warehouse job writes: the lake bucket on the stack's S3 server. */
    public String lakeUri() {
        return "s3://" + S3Server.LAKE_BUCKET + "/";
    }

    /** The lake's objects on disk (s3proxy's filesystem backend). */
    public Path lake() {
        return s3.bucketDir(S3Server.LAKE_BUCKET);
    }

    /** The stack's Flink jobs: submit, stop, upgrade, savepoints. */
    public StackJobs jobs() {
        return new StackJobs(flink, kafka, layout, root, jobList(), out);
    }

    /**
     * Other Flink jobs run on the stack's cluster with the same commands (a test's second run of a
     * job over the same input, for instance), under their own names and labels.
     */
    public StackJobs jobs(List<StackJob> others) {
        return new StackJobs(flink, kafka, layout, root, others, out);
    }

    private final Map<String, List<String>> extraArgs =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Arguments added to those of the job with this label the next time it is submitted: a test
     * that wants a shorter retry schedule, say. Options given twice take the last.
     */
    public void addJobArgs(String label, List<String> args) {
        extraArgs.merge(
                label,
                List.copyOf(args),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
    }

    /** The jobs `up` submits, in order; `down` stops them in reverse. */
    private List<StackJob> jobList() {
        List<StackJob> specs =
                JobSpecs.of(
                        new JobSpecs.Where(
                                kafka.bootstrapServers(),
                                lakeUri(),
                                Duration.ofSeconds(CHECKPOINT_SECONDS),
                                config.reactionCheckpoint(),
                                COMPACTION_CHECKPOINTS,
                                postgres.jdbcUrl(),
                                PostgresServer.USER,
                                null,
                                deliveryKeyFile().toString(),
                                // Local receivers only: the demo's, on this machine.
                                "127.0.0.1/32",
                                true));
        return specs.stream()
                .map(
                        j -> {
                            List<String> more = extraArgs.getOrDefault(j.label(), List.of());
                            if (more.isEmpty()) {
                                return j;
                            }
                            List<String> args = new java.util.ArrayList<>(j.args());
                            args.addAll(more);
                            return new StackJob(j.name(), j.label(), j.entryClass(), args);
                        })
                .toList();
    }

    /** The key that seals the endpoints' secrets, in a file only its owner reads, for the job. */
    private Path deliveryKeyFile() {
        return layout.conf().resolve("delivery-secret-key");
    }

    /** The repository: jars, configuration templates and the example rules. */
    public Path root() {
        return root;
    }

    public StackLayout layout() {
        return layout;
    }

    public StackConfig config() {
        return config;
    }

    public FlinkCluster flink() {
        return flink;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public void up() throws Exception {
        layout.create();
        step("PostgreSQL", postgres.process(), () -> postgres.start(Duration.ofSeconds(120)));
        try (HikariDataSource ds = dataSource()) {
            keyAdmin(ds).migrate();
            SchemaMigrations.apply(ds);
        }
        if (!Files.exists(deliveryKeyFile())) {
            LocalSecrets.writePrivate(
                    deliveryKeyFile(), secrets.get(LocalSecrets.DELIVERY_SECRET_KEY));
        }
        step("Kafka", kafka.process(), () -> kafka.start(Duration.ofSeconds(90)));
        kafka.createTopics(KafkaBroker.newTopics(Topics.all()));
        out.println(
                "  topics      "
                        + String.join(", ", Topics.all().stream().map(t -> t.name()).toList()));
        Map<String, String> demoKeys = ensureDemoKeys();
        Path ingestConf = writeIngestConfig();
        step(
                "ingest",
                ingest,
                () -> {
                    if (ingest.running().isEmpty()) {
                        Path log4j =
                                StackResources.copy(
                                        LocalStack.class, "ingest-log4j2.xml", layout.conf());
                        ingest.startJava(
                                List.of(
                                        "-Xms64m",
                                        "-Xmx512m",
                                        "-Djava.io.tmpdir=" + layout.tmp(),
                                        "-Dlog4j2.configurationFile=" + log4j),
                                "io.causality.ingest.server.IngestMain",
                                List.of("--config", ingestConf.toString()));
                    }
                    awaitIngestReady(Duration.ofSeconds(60));
                });
        if (config.flinkEnabled()) {
            step("S3 (s3proxy)", s3.process(), () -> s3.start(Duration.ofSeconds(60)));
            step("Flink", flink.jobManager(), () -> flink.start(Duration.ofSeconds(120)));
            StackJobs jobs = jobs();
            List<StackJobs.Resumed> resumed = new java.util.ArrayList<>();
            for (StackJob job : jobs.all()) {
                jobs.ensure(job, null, false).ifPresent(resumed::add);
            }
            jobs.retire(resumed, Duration.ofSeconds(60));
            startTrino();
        } else {
            out.println("  " + pad("Flink") + "not started (CAUSALITY_FLINK=off)");
        }
        out.println();
        out.println("Causality is up. Data and logs are in " + layout.home());
        out.println(
                "  ingest      "
                        + config.ingestUrl()
                        + "  (POST /v1/events, /v1/events/batch, Segment /v1/track ... /v1/batch)");
        out.println("  metrics     " + config.ingestUrl() + "/metrics");
        out.println("  kafka       " + kafka.bootstrapServers());
        out.println("  postgres    " + postgres.jdbcUrl() + " (user " + PostgresServer.USER + ")");
        if (config.flinkEnabled()) {
            out.println("  flink       " + flink.restUrl() + " (web UI and REST API)");
            out.println(
                    "  job metrics http://127.0.0.1:<port>/metrics, ports "
                            + flink.metricsPorts()
                            + " (Prometheus; the JobManager and the TaskManager take the first"
                            + " free two)");
            out.println(
                    "  s3          " + s3.endpoint() + " (bucket " + S3Server.LAKE_BUCKET + ")");
            out.println(
                    "  lake        "
                            + lakeUri()
                            + "events  (on disk: "
                            + lake().resolve("events")
                            + ")");
            if (trino.process().running().isPresent()) {
                out.println(
                        "  trino       "
                                + trino.url()
                                + "  (table "
                                + TrinoServer.CATALOG
                                + "."
                                + TrinoServer.SCHEMA
                                + "."
                                + LakeTable.NAME
                                + "; causality sql \"SELECT ...\")");
            }
        }
        out.println(
                "  demo keys   " + String.join(", ", demoKeys.keySet()) + " in " + demoKeysFile());
    }

    /**
     * Starts Trino on a new enough JDK and (re)defines the lake table; without such a JDK, says
     * what to install and leaves the rest of the stack running.
     */
    private void startTrino() throws Exception {
        JavaRuntimes.Choice java =
                JavaRuntimes.find(
                        TrinoServer.minimumJava(), System.getenv(), JavaRuntimes.defaultRoots());
        if (java.jdk().isEmpty()) {
            out.println("  " + pad("Trino") + "NOT started: " + java.explanation());
            return;
        }
        step(
                "Trino",
                trino.process(),
                () -> trino.start(java.jdk().get(), Duration.ofSeconds(180)));
        out.println(
                "  "
                        + pad("")
                        + "on Java "
                        + java.jdk().get().version()
                        + " ("
                        + java.jdk().get().home()
                        + ", "
                        + java.explanation()
                        + ")");
        lakeTable().define();
        out.println(
                "  "
                        + pad("lake table")
                        + TrinoServer.CATALOG
                        + "."
                        + TrinoServer.SCHEMA
                        + "."
                        + LakeTable.NAME
                        + " defined from the schemas module, partitions synced");
    }

    public LakeTable lakeTable() {
        return new LakeTable(trino.client(), lakeUri());
    }

    /** The local Trino, running or not. */
    public TrinoServer trino() {
        return trino;
    }

    /**
     * Runs a query on the local Trino after registering new partitions, and prints the result as a
     * table. Returns false, with the reason printed, if Trino does not run or the query failed.
     */
    public boolean sql(String query, Duration timeout, PrintStream err)
            throws IOException, InterruptedException {
        if (trino.process().running().isEmpty()) {
            err.println(
                    "Trino is not running: start the stack with `causality up` (it says there why"
                            + " Trino did not start, if it did not)");
            return false;
        }
        try {
            lakeTable().sync();
            out.print(ResultTable.format(trino.client().query(query, timeout)));
            return true;
        } catch (TrinoClient.QueryFailed e) {
            err.println("query failed: " + e.getMessage());
            return false;
        }
    }

    /**
     * Waits for the warehouse job to complete two checkpoints (files are committed at checkpoints,
     * and the second one surely covers everything already in Kafka), then prints the lake by
     * partition.
     */
    public void printLake(Duration timeout) throws IOException, InterruptedException {
        if (!config.flinkEnabled()) {
            return;
        }
        Path events = lake().resolve("events");
        var job = flink.activeJob(WAREHOUSE_JOB);
        if (job.isEmpty()) {
            out.println("lake: the warehouse job is not running (see " + flink.restUrl() + ")");
            return;
        }
        long start = flink.completedCheckpoints(job.get());
        Instant deadline = Instant.now().plus(timeout);
        out.print(
                "waiting for the warehouse job to compact and commit the lake ("
                        + (COMPACTION_CHECKPOINTS + 2)
                        + " checkpoints) ...");
        out.flush();
        while (flink.completedCheckpoints(job.get()) < start + COMPACTION_CHECKPOINTS + 2) {
            if (Instant.now().isAfter(deadline)) {
                out.println(" not within " + timeout + "; see " + flink.restUrl());
                return;
            }
            Thread.sleep(500); // checkpoints come every few seconds; the deadline bounds the wait
        }
        out.println(" done");
        java.util.Map<String, long[]> byPartition = new java.util.TreeMap<>();
        for (Path f : LakeSchema.committedFiles(events)) {
            long size;
            try {
                size = Files.size(f);
            } catch (java.nio.file.NoSuchFileException compactedMeanwhile) {
                continue;
            }
            long[] agg =
                    byPartition.computeIfAbsent(
                            events.relativize(f.getParent()).toString(), k -> new long[2]);
            agg[0]++;
            agg[1] += size;
        }
        out.println("lake " + events + ": " + byPartition.size() + " partitions");
        byPartition.forEach(
                (partition, agg) ->
                        out.printf("  %-45s %3d files %,10d bytes%n", partition, agg[0], agg[1]));
    }

    /**
     * The reaction job's own counters since it started (docs/reaction.md), or nothing if it does
     * not run or the cluster has not reported them within the timeout. The JobManager fetches
     * metrics from the TaskManager when asked and answers with what it had, so the first answer
     * after a while can be empty.
     */
    public Map<String, Long> reactionCounters(Duration timeout) throws InterruptedException {
        if (!config.flinkEnabled()) {
            return Map.of();
        }
        Optional<String> job = flink.activeJob(REACTION_JOB);
        if (job.isEmpty()) {
            return Map.of();
        }
        // The names the reaction job registers its counters under (docs/reaction.md).
        List<String> names = MetricNames.REACTION;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Long> counters = flink.metricSums(job.get(), names);
            if (counters.keySet().containsAll(names) || System.nanoTime() > deadline) {
                return counters;
            }
            Thread.sleep(500); // the JobManager's metric fetch is under way; the deadline bounds it
        }
    }

    private interface Starter {
        void start() throws Exception;
    }

    private void step(String what, ManagedProcess process, Starter starter) throws Exception {
        boolean wasRunning = process.running().isPresent();
        long t0 = System.nanoTime();
        out.print("  " + pad(what) + (wasRunning ? "already running" : "starting ... "));
        out.flush();
        starter.start();
        long pid = process.running().map(ProcessHandle::pid).orElse(-1L);
        out.println(
                (wasRunning ? "" : "up in " + (System.nanoTime() - t0) / 1_000_000 + " ms")
                        + " (pid "
                        + pid
                        + ")");
    }

    private static String pad(String s) {
        return StackJobs.pad(s);
    }

    /** The webhook endpoints in this stack's database, their secrets sealed with its key. */
    public EndpointStore endpoints(DataSource dataSource) {
        return new EndpointStore(
                dataSource, new SecretBox(secrets.get(LocalSecrets.DELIVERY_SECRET_KEY)));
    }

    /** The ingest's write keys in this stack's database, with its signing secret. */
    public KeyAdmin keyAdmin(DataSource dataSource) {
        return new KeyAdmin(dataSource, () -> secrets.get(LocalSecrets.SIGNING_SECRET));
    }

    public HikariDataSource dataSource() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(postgres.jdbcUrl());
        ds.setUsername(PostgresServer.USER);
        ds.setMaximumPoolSize(2);
        ds.setConnectionTimeout(5000);
        return ds;
    }

    public Path demoKeysFile() {
        return layout.conf().resolve("demo-keys.properties");
    }

    /** Demo write keys by app (plain keys kept only in the stack's private conf folder). */
    public Map<String, String> demoKeys() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(demoKeysFile())) {
            p.load(in);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (String app : DEMO_APPS) {
            keys.put(app, p.getProperty(app));
        }
        return keys;
    }

    private Map<String, String> ensureDemoKeys() throws IOException, SQLException {
        if (Files.exists(demoKeysFile())) {
            return demoKeys();
        }
        Properties p = new Properties();
        try (HikariDataSource ds = dataSource()) {
            KeyAdmin keys = keyAdmin(ds);
            for (String app : DEMO_APPS) {
                p.setProperty(app, keys.create(app, "demo", false).plainKey());
            }
        }
        LocalSecrets.writePrivate(demoKeysFile(), p, "write keys of the demo apps; local use only");
        return demoKeys();
    }

    private Path writeIngestConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("http.host", "127.0.0.1");
        p.setProperty("http.port", Integer.toString(config.ingestPort()));
        p.setProperty("db.url", postgres.jdbcUrl());
        p.setProperty("db.user", PostgresServer.USER);
        p.setProperty("kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("kafka.topic", Topics.EVENTS);
        p.setProperty("auth.signing-secret", secrets.get(LocalSecrets.SIGNING_SECRET));
        // The demo sends as fast as it can; a production key would keep the default limit.
        p.setProperty("rate-limit.requests-per-second", "1000");
        p.setProperty("rate-limit.burst", "2000");
        Path file = layout.conf().resolve("ingest.properties");
        LocalSecrets.writePrivate(file, p, "ingest service of the local stack");
        return file;
    }

    /** Polls /ready until it says 200, or fails with the ingest's log. */
    public void awaitIngestReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Poll.forThe("the ingest service to be ready", timeout, Duration.ofMillis(200), ingest)
                .until(() -> ingestReady(http));
    }

    private boolean ingestReady(HttpClient http) throws InterruptedException {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(config.ingestUrl() + "/ready"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public void down() throws IOException, InterruptedException {
        if (flink.jobManager().running().isPresent()) {
            StackJobs jobs = jobs();
            List<StackJob> reversed = new java.util.ArrayList<>(jobs.all());
            java.util.Collections.reverse(reversed);
            for (StackJob job : reversed) {
                var id = flink.activeJob(job.name());
                if (id.isPresent()) {
                    jobs.stop(job, id.get());
                }
            }
        }
        stop("Trino", trino.process());
        stop("Flink TM", flink.taskManager());
        stop("Flink JM", flink.jobManager());
        stop("S3", s3.process());
        stop("ingest", ingest);
        stop("Kafka", kafka.process());
        stop("PostgreSQL", postgres.process());
    }

    private void stop(String what, ManagedProcess p) throws IOException {
        long pid = p.running().map(ProcessHandle::pid).orElse(-1L);
        boolean was = p.stop(Duration.ofSeconds(30));
        out.println("  " + pad(what) + (was ? "stopped (pid " + pid + ")" : "was not running"));
    }

    /** Every process of the stack, in the order `up` starts them. */
    public List<ManagedProcess> processes() {
        return List.of(
                postgres.process(),
                kafka.process(),
                ingest,
                s3.process(),
                flink.jobManager(),
                flink.taskManager(),
                trino.process());
    }

    /** One line per component; true if all run. */
    public boolean status() throws InterruptedException {
        boolean all = true;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (ManagedProcess p : processes()) {
            var h = p.running();
            all &= h.isPresent();
            String extra =
                    h.isPresent() && p == ingest
                            ? (ingestReady(http)
                                    ? ", ready at " + config.ingestUrl()
                                    : ", NOT ready (see " + p.logFile() + ")")
                            : "";
            out.println(
                    "  "
                            + String.format("%-18s", p.name())
                            + h.map(x -> "running (pid " + x.pid() + extra + ")")
                                    .orElse("stopped"));
        }
        return all;
    }
}
