package io.causality.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.processes.Poll;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A Flink cluster driven through its REST API as a user would: submit, watch, stop with a
 * savepoint, cancel. The local stack's {@link FlinkCluster} is one; a cluster of containers,
 * reached by its address, is another ({@code ClusterSetup}).
 */
public class FlinkRest {
    static final Set<String> ACTIVE =
            Set.of("CREATED", "INITIALIZING", "RUNNING", "RESTARTING", "RECONCILING");

    private final String restUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public FlinkRest(String restUrl) {
        this.restUrl = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    public String restUrl() {
        return restUrl;
    }

    /**
     * Where savepoints go; empty for the cluster's own {@code
     * execution.checkpointing.savepoint-dir}.
     */
    protected Optional<String> savepointTarget() {
        return Optional.empty();
    }

    /** Whether the REST API answers and a TaskManager has registered. */
    public boolean hasTaskManager() throws InterruptedException {
        return get("/overview").map(o -> o.path("taskmanagers").asInt()).orElse(0) > 0;
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
        try {
            HttpResponse<String> started =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(restUrl() + "/jars/" + jarId + "/run"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(run.toString()))
                                    .timeout(Duration.ofMinutes(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return json(started, "running " + entryClass).path("jobid").asText();
        } finally {
            // The running job has its own copy; uploads would pile up in the web upload folder.
            http.send(
                    HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId))
                            .DELETE()
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
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

    /** The savepoint or checkpoint a job's run was last restored from, if it was restored. */
    public Optional<String> restoredFrom(String jobId) throws InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints")
                .map(c -> c.path("latest").path("restored").path("external_path").asText(""))
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
        ObjectNode body = EventJson.mapper().createObjectNode().put("drain", false);
        savepointTarget().ifPresent(t -> body.put("targetDirectory", t));
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

    protected Optional<JsonNode> get(String path) throws InterruptedException {
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
}
