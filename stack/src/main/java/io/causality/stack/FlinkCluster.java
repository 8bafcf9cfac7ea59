package io.causality.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.processes.ManagedProcess;
import io.causality.processes.Poll;
import io.causality.processes.StackLayout;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A real Flink session cluster (one JobManager, one TaskManager, each its own JVM) run from the lib
 * folder that the {@code flink-conf} module assembles from Maven Central, configured from its
 * templates, and driven through the REST API as a user would.
 */
public final class FlinkCluster {
    /** What Flink's own scripts pass on Java 17 ({@code env.java.opts.all} of its config). */
    static final List<String> JAVA_17_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final Set<String> ACTIVE =
            Set.of("CREATED", "INITIALIZING", "RUNNING", "RESTARTING", "RECONCILING");

    private final Path home;
    private final Path dist;
    private final Path templates;
    private final int restPort;
    private final int rpcPort;
    private final ManagedProcess jobManager;
    private final ManagedProcess taskManager;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /**
     * @param dist folder with {@code lib/} (the flink-conf module's target/flink)
     * @param templates folder with {@code config.yaml} and {@code log4j2.xml} templates
     */
    private final S3Server s3;

    public FlinkCluster(
            StackLayout layout, Path dist, Path templates, int restPort, int rpcPort, S3Server s3) {
        this.s3 = s3;
        this.home = layout.home();
        this.dist = dist;
        this.templates = templates;
        this.restPort = restPort;
        this.rpcPort = rpcPort;
        this.jobManager = new ManagedProcess("flink-jobmanager", layout);
        this.taskManager = new ManagedProcess("flink-taskmanager", layout);
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** How many ports the Prometheus reporters may choose from; two of them are taken. */
    static final int METRICS_PORT_RANGE = 4;

    /**
     * The ports of the Prometheus reporter, as Flink's port range: the JobManager and the
     * TaskManager each take the first free one (9249 and 9250 with the default REST port, unless
     * something else holds them). A range of two broke when another process held one of them: the
     * second reporter then had none.
     */
    public String metricsPorts() {
        int first = restPort + 1168;
        return first + "-" + (first + METRICS_PORT_RANGE - 1);
    }

    /** Every port of {@link #metricsPorts()}: where to look for the reporters' {@code /metrics}. */
    public java.util.List<Integer> metricsPortList() {
        int first = restPort + 1168;
        return java.util.stream.IntStream.range(first, first + METRICS_PORT_RANGE).boxed().toList();
    }

    public ManagedProcess jobManager() {
        return jobManager;
    }

    public ManagedProcess taskManager() {
        return taskManager;
    }

    public Path savepoints() {
        return home.resolve("flink/savepoints");
    }

    /** Retained checkpoints, one directory per job id (config.yaml's checkpointing.dir). */
    public Path checkpoints() {
        return home.resolve("flink/checkpoints");
    }

    private Path conf() {
        return home.resolve("flink/conf");
    }

    /** Starts whatever of the two processes is not running and waits for a usable cluster. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (!Files.isDirectory(dist.resolve("lib"))) {
            throw new IOException(
                    "no Flink lib folder at "
                            + dist.resolve("lib")
                            + "; build the flink-conf module (./causality builds it)");
        }
        writeConfiguration();
        String classpath = dist.resolve("lib") + "/*";
        if (jobManager.running().isEmpty()) {
            Params p = memoryParams("GET_JM_RESOURCE_PARAMS", classpath);
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--configDir",
                                    conf().toString(),
                                    "--executionMode",
                                    "cluster"));
            args.addAll(p.dynamic());
            jobManager.startJava(
                    jvmArgs(p),
                    classpath,
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    args,
                    pluginEnv());
        }
        if (taskManager.running().isEmpty()) {
            Params p = memoryParams("GET_TM_RESOURCE_PARAMS", classpath);
            List<String> args = new ArrayList<>(List.of("--configDir", conf().toString()));
            args.addAll(p.dynamic());
            taskManager.startJava(
                    jvmArgs(p),
                    classpath,
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                    args,
                    pluginEnv());
        }
        awaitReady(timeout);
    }

    /** S3 support is a plugin (it bundles unrelocated Hadoop), found through this variable. */
    private java.util.Map<String, String> pluginEnv() {
        return java.util.Map.of("FLINK_PLUGINS_DIR", dist.resolve("plugins").toString());
    }

    private List<String> jvmArgs(Params p) {
        List<String> out = new ArrayList<>(JAVA_17_OPTIONS);
        out.addAll(p.jvm());
        out.add("-Djava.io.tmpdir=" + home.resolve("flink/tmp"));
        out.add("-Dlog4j2.configurationFile=" + conf().resolve("log4j2.xml"));
        return out;
    }

    private void writeConfiguration() throws IOException {
        for (String dir : List.of("conf", "tmp", "uploads", "checkpoints", "savepoints")) {
            Files.createDirectories(home.resolve("flink").resolve(dir));
        }
        String yaml =
                Files.readString(templates.resolve("config.yaml"), StandardCharsets.UTF_8)
                        .replace("${home}", home.toString())
                        .replace("${restPort}", Integer.toString(restPort))
                        .replace("${rpcPort}", Integer.toString(rpcPort))
                        .replace("${metricsPorts}", metricsPorts())
                        .replace("${s3Endpoint}", s3.endpoint())
                        .replace("${s3AccessKey}", s3.accessKey())
                        .replace("${s3SecretKey}", s3.secretKey());
        Path config = conf().resolve("config.yaml");
        // It holds the S3 secret.
        LocalSecrets.writePrivate(config, yaml);
        Files.copy(
                templates.resolve("log4j2.xml"),
                conf().resolve("log4j2.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** JVM memory flags and dynamic properties, as Flink's scripts get them from BashJavaUtils. */
    private record Params(List<String> jvm, List<String> dynamic) {}

    private Params memoryParams(String command, String classpath)
            throws IOException, InterruptedException {
        Path log = home.resolve("flink/tmp/bash-java-utils-" + UUID.randomUUID() + ".log");
        int rc =
                ManagedProcess.runJava(
                        List.of(
                                "-Xmx128m",
                                "-Dlog4j2.configurationFile=" + conf().resolve("log4j2.xml")),
                        classpath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        List.of(command, "--configDir", conf().toString()),
                        log);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        List<String> results = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (rc != 0 || results.size() < 2) {
            throw new IOException(
                    "BashJavaUtils "
                            + command
                            + " failed (exit "
                            + rc
                            + "):\n"
                            + String.join("\n", lines));
        }
        return new Params(split(results.get(0)), split(results.get(1)));
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList();
    }

    /** Waits until the REST API answers and a TaskManager has registered. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Poll.forThe(
                        "the Flink cluster to have a TaskManager",
                        timeout,
                        Duration.ofMillis(250),
                        jobManager,
                        taskManager)
                .until(
                        () ->
                                get("/overview").map(o -> o.path("taskmanagers").asInt()).orElse(0)
                                        > 0);
    }

    /** The id of the active job with this name, if there is one. */
    public Optional<String> activeJob(String name) throws InterruptedException {
        return get("/jobs/overview")
                .flatMap(
                        o -> {
                            for (JsonNode job : o.path("jobs")) {
                                if (name.equals(job.path("name").asText())
                                        && ACTIVE.contains(job.path("state").asText())) {
                                    return Optional.of(job.path("jid").asText());
                                }
                            }
                            return Optional.empty();
                        });
    }

    /** How many checkpoints of a job have completed, or -1 if the cluster does not say. */
    public long completedCheckpoints(String jobId) throws InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints")
                .map(c -> c.path("counts").path("completed").asLong(-1))
                .orElse(-1L);
    }

    /**
     * The job's operator metrics with the given names (the last part of a metric's id, such as
     * {@code lateSequenceEvents}), each summed over every operator and subtask that reports it;
     * names no operator reports are left out.
     */
    public java.util.Map<String, Long> metricSums(String jobId, List<String> names)
            throws InterruptedException {
        java.util.Map<String, Long> sums = new java.util.TreeMap<>();
        JsonNode job = get("/jobs/" + jobId).orElse(null);
        if (job == null) {
            return sums;
        }
        for (JsonNode vertex : job.path("vertices")) {
            String metrics = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
            List<String> ids = new java.util.ArrayList<>();
            for (JsonNode available : array(get(metrics + "/subtasks/metrics"))) {
                String id = available.path("id").asText();
                if (names.contains(shortName(id))) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            String query = "/subtasks/metrics?agg=sum&get=" + String.join(",", ids);
            for (JsonNode value : array(get(metrics + query))) {
                sums.merge(
                        shortName(value.path("id").asText()),
                        (long) value.path("sum").asDouble(),
                        Long::sum);
            }
        }
        return sums;
    }

    private static JsonNode array(Optional<JsonNode> answer) {
        return answer.orElseGet(() -> EventJson.mapper().createArrayNode());
    }

    /** {@code match_sequences.lateSequenceEvents} → {@code lateSequenceEvents}. */
    private static String shortName(String metricId) {
        return metricId.substring(metricId.lastIndexOf('.') + 1);
    }

    /**
     * Uploads a jar and runs a job from it (resuming from a savepoint if given); returns the job
     * id.
     */
    public String submit(Path jar, String entryClass, List<String> args, String savepoint)
            throws IOException, InterruptedException {
        return submit(jar, entryClass, args, savepoint, false);
    }

    /**
     * As {@link #submit(Path, String, List, String)}; with {@code allowNonRestoredState}, state in
     * the savepoint that no operator of the new job takes is dropped instead of failing the start.
     */
    public String submit(
            Path jar,
            String entryClass,
            List<String> args,
            String savepoint,
            boolean allowNonRestoredState)
            throws IOException, InterruptedException {
        String boundary = "causality-" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> upload =
                http.send(
                        HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(
                                        HttpRequest.BodyPublishers.concat(
                                                HttpRequest.BodyPublishers.ofByteArray(head),
                                                HttpRequest.BodyPublishers.ofFile(jar),
                                                HttpRequest.BodyPublishers.ofByteArray(tail)))
                                .timeout(Duration.ofMinutes(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode uploaded = json(upload, "uploading " + jar.getFileName());
        String jarId = Path.of(uploaded.path("filename").asText()).getFileName().toString();
        ObjectNode run = EventJson.mapper().createObjectNode();
        run.put("entryClass", entryClass);
        args.forEach(run.putArray("programArgsList")::add);
        if (savepoint != null) {
            run.put("savepointPath", savepoint);
            run.put("allowNonRestoredState", allowNonRestoredState);
        }
        HttpResponse<String> started =
                http.send(
                        HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId + "/run"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(run.toString()))
                                .timeout(Duration.ofMinutes(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return json(started, "running " + entryClass).path("jobid").asText();
    }

    /**
     * How a job is doing, beyond its state.
     *
     * @param startedAt when the job (this run of it) started, epoch millis
     * @param restarts how often it restarted since
     * @param lastCheckpointAt when its latest checkpoint completed, epoch millis, or -1
     * @param failure the latest failure's first line, if any
     * @param inPerSecond records its sources read per second
     * @param outPerSecond records its sinks take per second
     */
    public record JobHealth(
            String id,
            String state,
            long startedAt,
            long restarts,
            long completedCheckpoints,
            long lastCheckpointAt,
            Optional<String> failure,
            double inPerSecond,
            double outPerSecond) {}

    /** The job's health, or empty if the cluster does not know the job. */
    public Optional<JobHealth> health(String jobId) throws InterruptedException {
        Optional<JsonNode> job = get("/jobs/" + jobId);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        long restarts =
                firstValue(get("/jobs/" + jobId + "/metrics?get=numRestarts"))
                        .map(Double::longValue)
                        .orElse(0L);
        JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints").orElse(null);
        long completed =
                checkpoints == null ? 0 : checkpoints.path("counts").path("completed").asLong(0);
        long lastAt =
                checkpoints == null
                        ? -1
                        : checkpoints
                                .path("latest")
                                .path("completed")
                                .path("latest_ack_timestamp")
                                .asLong(-1);
        Optional<String> failure =
                get("/jobs/" + jobId + "/exceptions")
                        .map(e -> e.path("exceptionHistory").path("entries").path(0))
                        .filter(e -> !e.isMissingNode())
                        .map(
                                e ->
                                        e.path("stacktrace")
                                                .asText(e.path("exceptionName").asText())
                                                .lines()
                                                .findFirst()
                                                .orElse(""));
        double in = 0;
        double out = 0;
        for (JsonNode vertex : job.get().path("vertices")) {
            String metrics =
                    "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks";
            List<String> wanted = new java.util.ArrayList<>();
            for (JsonNode available : array(get(metrics + "/metrics"))) {
                String id = available.path("id").asText();
                // Sources are named Source__<name>, sinks <name>__Writer (Flink 2's sink v2).
                if ((id.startsWith("Source__") && id.endsWith(".numRecordsOutPerSecond"))
                        || id.endsWith("__Writer.numRecordsInPerSecond")) {
                    wanted.add(id);
                }
            }
            if (wanted.isEmpty()) {
                continue;
            }
            for (JsonNode value :
                    array(get(metrics + "/metrics?agg=sum&get=" + String.join(",", wanted)))) {
                String id = value.path("id").asText();
                double sum = value.path("sum").asDouble();
                if (id.startsWith("Source__")) {
                    in += sum;
                } else {
                    out += sum;
                }
            }
        }
        return Optional.of(
                new JobHealth(
                        jobId,
                        job.get().path("state").asText(),
                        job.get().path("start-time").asLong(),
                        restarts,
                        completed,
                        lastAt,
                        failure,
                        in,
                        out));
    }

    private static Optional<Double> firstValue(Optional<JsonNode> answer) {
        return answer.map(a -> a.path(0).path("value"))
                .filter(v -> !v.isMissingNode())
                .map(v -> Double.parseDouble(v.asText("0")));
    }

    /** Waits until the job and all its tasks run (a restored job needs a moment before that). */
    public void awaitRunning(String jobId, Duration timeout)
            throws IOException, InterruptedException {
        Poll.forThe("job " + jobId + " to run all its tasks", timeout, Duration.ofMillis(250))
                .until(
                        () -> {
                            Optional<JsonNode> job = get("/jobs/" + jobId);
                            if (job.isEmpty()
                                    || !"RUNNING".equals(job.get().path("state").asText())) {
                                return false;
                            }
                            for (JsonNode v : job.get().path("vertices")) {
                                if (!"RUNNING".equals(v.path("status").asText())) {
                                    return false;
                                }
                            }
                            return true;
                        });
    }

    /** The newest completed checkpoint of a job (retained on cancellation), if any. */
    public Optional<String> latestCheckpoint(String jobId) throws InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints")
                .map(c -> c.path("latest").path("completed").path("external_path").asText(""))
                .filter(p -> !p.isEmpty());
    }

    /** Cancels a job (its checkpoints are retained). */
    public void cancel(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    "cancelling job " + jobId + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** Stops a job with a savepoint and returns the savepoint's location. */
    public String stopWithSavepoint(String jobId, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode body =
                EventJson.mapper()
                        .createObjectNode()
                        .put("drain", false)
                        .put("targetDirectory", savepoints().toUri().toString());
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "/stop"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        String request = json(r, "stopping job " + jobId).path("request-id").asText();
        JsonNode op =
                Poll.forThe("the savepoint of job " + jobId, timeout, Duration.ofMillis(250))
                        .value(
                                () ->
                                        get("/jobs/" + jobId + "/savepoints/" + request)
                                                .filter(
                                                        s ->
                                                                "COMPLETED"
                                                                        .equals(
                                                                                s.path("status")
                                                                                        .path("id")
                                                                                        .asText()))
                                                .map(s -> s.path("operation")));
        if (op.has("failure-cause")) {
            throw new IOException(
                    "savepoint of job "
                            + jobId
                            + " failed: "
                            + op.path("failure-cause")
                                    .path("stack-trace")
                                    .asText()
                                    .lines()
                                    .findFirst()
                                    .orElse(""));
        }
        return op.path("location").asText();
    }

    private Optional<JsonNode> get(String path) throws InterruptedException {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(restUrl() + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200
                    ? Optional.of(EventJson.mapper().readTree(r.body()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static JsonNode json(HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    what + " failed: HTTP " + r.statusCode() + " " + errorOf(r.body()));
        }
        return EventJson.mapper().readTree(r.body());
    }

    /**
     * What a REST error says, in a line: the innermost cause of the server's stack trace (such as
     * {@code ClassNotFoundException: ...}), else the body.
     */
    static String errorOf(String body) {
        String text = body;
        try {
            JsonNode errors = EventJson.mapper().readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                StringBuilder all = new StringBuilder();
                errors.forEach(e -> all.append(e.asText()).append('\n'));
                text = all.toString();
            }
        } catch (IOException notJson) {
            return body.lines().findFirst().orElse("");
        }
        String cause = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause != null ? cause : text.lines().findFirst().orElse("");
    }

    public void stop() throws IOException {
        taskManager.stop(Duration.ofSeconds(30));
        jobManager.stop(Duration.ofSeconds(30));
    }
}
