package io.causality.stack;

import io.causality.processes.KafkaBroker;
import io.causality.processes.Poll;
import io.causality.processes.StackLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The life of the stack's Flink jobs: submit (resuming from the newest savepoint or checkpoint),
 * stop with a savepoint, upgrade to a newly built jar with a roll back, and the savepoints kept.
 *
 * <p>What it keeps under {@code <home>/flink}: {@code <job>.savepoint}, where the last stop's
 * savepoint is (the next resume starts from it unless a checkpoint is newer); {@code <job>.runs},
 * the ids of the job's runs since then (their retained checkpoints); {@code <job>.jar}, the jar the
 * job runs, a copy under {@code jars/} named by its content, so that an upgrade can go back to it;
 * {@code runs.log}, every run's id and job, to tell whose a savepoint is.
 */
public final class StackJobs {
    /** How long a submitted job may take to run and complete its first checkpoint. */
    static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);

    private final FlinkCluster flink;
    private final KafkaBroker kafka;
    private final StackLayout layout;
    private final Path root;
    private final List<StackJob> jobs;
    private final PrintStream out;

    StackJobs(
            FlinkCluster flink,
            KafkaBroker kafka,
            StackLayout layout,
            Path root,
            List<StackJob> jobs,
            PrintStream out) {
        this.flink = flink;
        this.kafka = kafka;
        this.layout = layout;
        this.root = root;
        this.jobs = jobs;
        this.out = out;
    }

    /** A Flink job the stack runs: its name on the cluster, a short label, what to start. */
    public record StackJob(String name, String label, String entryClass, List<String> args) {}

    /** A job submitted from a savepoint or checkpoint. */
    public record Resumed(StackJob job, String id) {}

    /** The stack's jobs, in the order {@code up} submits them. */
    public List<StackJob> all() {
        return jobs;
    }

    /** The jobs a command names: a label, or {@code all}. */
    public List<StackJob> named(String label) {
        if (label.equals("all")) {
            return jobs;
        }
        return jobs.stream()
                .filter(j -> j.label().equals(label) || j.name().equals(label))
                .findFirst()
                .map(List::of)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no job '"
                                                + label
                                                + "': name one of "
                                                + String.join(
                                                        ", ",
                                                        jobs.stream().map(StackJob::label).toList())
                                                + " or all"));
    }

    public Optional<String> activeId(StackJob job) throws InterruptedException {
        return flink.activeJob(job.name());
    }

    /** The state of the job's active run (RUNNING, RESTARTING, ...), if it has one. */
    public Optional<String> state(StackJob job) throws IOException, InterruptedException {
        var id = flink.activeJob(job.name());
        return id.isEmpty()
                ? Optional.empty()
                : flink.health(id.get()).map(FlinkCluster.JobHealth::state);
    }

    /** What a resume of the stopped job starts from: the newest savepoint or checkpoint. */
    public Optional<ResumePoint> resumePoint(StackJob job) throws IOException {
        return ResumePoint.newest(recordedSavepoint(job), checkpointRoots(job));
    }

    // ---- submit and resume ----

    /**
     * Submits a job unless it runs, resuming from {@code from} if given, else from the newest of
     * the savepoint the last stop took and the checkpoints its runs retained (after an unclean stop
     * those are newer: resuming from the savepoint would write everything since again). Returns the
     * run if it was submitted from a savepoint or checkpoint, to retire the old ones once it has
     * checkpointed past them.
     */
    public Optional<Resumed> ensure(StackJob job, Path from, boolean allowNonRestoredState)
            throws Exception {
        var running = flink.activeJob(job.name());
        if (running.isPresent()) {
            out.println("  " + pad(job.label()) + "already running (job " + running.get() + ")");
            return Optional.empty();
        }
        if (from != null) {
            // Recorded until the run has checkpointed past it: a cleanup keeps it meanwhile.
            Files.writeString(savepointFile(job), from.toUri().toString(), StandardCharsets.UTF_8);
        }
        Optional<ResumePoint> point =
                from != null
                        ? Optional.of(
                                new ResumePoint(
                                        from,
                                        Files.getLastModifiedTime(from.resolve("_metadata")),
                                        !from.getFileName().toString().startsWith("chk-")))
                        : ResumePoint.newest(recordedSavepoint(job), checkpointRoots(job));
        // The jar the job last ran: a rolled back upgrade stays rolled back, and only `jobs
        // upgrade` moves a job to a newly built jar.
        Optional<Path> ran = runningJar(job).filter(Files::exists);
        Path jar = ran.isPresent() ? ran.get() : builtJar();
        String id = submit(job, jar, point.map(ResumePoint::path), allowNonRestoredState);
        boolean newer = ran.isPresent() && builtJarDiffersFrom(ran.get());
        out.println(
                "  "
                        + pad(job.label())
                        + "submitted (job "
                        + id
                        + point.map(
                                        p ->
                                                ", resumed from "
                                                        + (p.savepoint()
                                                                ? "savepoint "
                                                                : "checkpoint ")
                                                        + p.path())
                                .orElse("")
                        + (allowNonRestoredState && point.isPresent()
                                ? ", state of removed operators dropped"
                                : "")
                        + ")");
        if (newer) {
            out.println(
                    "  "
                            + pad("")
                            + "it runs the jar it ran before; `causality jobs upgrade "
                            + job.label()
                            + "` moves it to the newly built one");
        }
        return point.isPresent() ? Optional.of(new Resumed(job, id)) : Optional.empty();
    }

    /** Submits the jar, recording the run and the jar it runs; returns the job id. */
    private String submit(
            StackJob job, Path jar, Optional<Path> from, boolean allowNonRestoredState)
            throws IOException, InterruptedException {
        Path kept = keep(jar);
        String id =
                flink.submit(
                        kept,
                        job.entryClass(),
                        job.args(),
                        from.map(p -> p.toUri().toString()).orElse(null),
                        allowNonRestoredState);
        append(runsFile(job), id);
        append(flinkDir().resolve("runs.log"), id + " " + job.label());
        Files.writeString(jarFile(job), kept.toString() + "\n", StandardCharsets.UTF_8);
        return id;
    }

    /**
     * Once a resumed job has completed a checkpoint of its own, what it resumed from is retired:
     * the savepoint marker is removed and the checkpoints of earlier runs deleted, so that neither
     * is ever resumed from again. A job that does not checkpoint within the wait keeps them; the
     * next resume still takes the newest.
     */
    public List<Resumed> retire(List<Resumed> resumed, Duration wait)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Resumed> left = new ArrayList<>(resumed);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            for (Resumed r : List.copyOf(left)) {
                if (flink.completedCheckpoints(r.id()) > 0) {
                    retired(r);
                    left.remove(r);
                }
            }
            if (!left.isEmpty()) {
                Thread.sleep(500); // checkpoints come every few seconds; the deadline bounds it
            }
        }
        for (Resumed r : left) {
            out.println(
                    "  "
                            + pad(r.job().label())
                            + "NO checkpoint within "
                            + wait.toSeconds()
                            + " s (job "
                            + r.id()
                            + "): what it resumed from is kept; `causality jobs status` shows how"
                            + " it is");
        }
        return left;
    }

    private void retired(Resumed r) throws IOException {
        Files.deleteIfExists(savepointFile(r.job()));
        forgetRunsBefore(r.job(), r.id());
        pruneJars();
        out.println(
                "  "
                        + pad(r.job().label())
                        + "checkpointed; earlier savepoint and checkpoints retired");
    }

    // ---- stop ----

    /**
     * Stops a job with a savepoint, recorded so that the next resume starts from it with nothing
     * lost or doubled, and returns where it is. A job that cannot take one (it may still be
     * restoring) is retried; if it still fails, the job is cancelled and the next resume starts
     * from its newest retained checkpoint: never from an older savepoint, which would write again
     * what was committed since.
     */
    public Path stop(StackJob job, String jobId) throws IOException, InterruptedException {
        Path savepointFile = savepointFile(job);
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                flink.awaitRunning(jobId, Duration.ofSeconds(60));
                String savepoint = flink.stopWithSavepoint(jobId, Duration.ofSeconds(120));
                Files.writeString(savepointFile, savepoint, StandardCharsets.UTF_8);
                // The savepoint is newer than every checkpoint of the job's runs.
                forgetRunsBefore(job, null);
                out.println("  " + pad(job.label()) + "stopped with savepoint " + savepoint);
                return location(savepoint);
            } catch (IOException e) {
                last = e;
                out.println(
                        "  "
                                + pad(job.label())
                                + "savepoint attempt "
                                + attempt
                                + " failed: "
                                + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        var checkpoint = flink.latestCheckpoint(jobId);
        flink.cancel(jobId);
        if (checkpoint.isPresent()) {
            Files.writeString(savepointFile, checkpoint.get(), StandardCharsets.UTF_8);
            out.println(
                    "  "
                            + pad(job.label())
                            + "cancelled; the next resume starts from checkpoint "
                            + checkpoint.get());
            return location(checkpoint.get());
        }
        throw new IOException(
                "the "
                        + job.label()
                        + " job could take neither a savepoint nor a checkpoint; it was cancelled",
                last);
    }

    // ---- upgrade ----

    /**
     * Stops the job with a savepoint and submits {@code newJar} from it; if the new run does not
     * run and complete a checkpoint within {@link #HEALTHY_WITHIN} (it cannot restore the state, it
     * fails, it keeps restarting), it is cancelled and the jar that ran before is submitted from
     * the same savepoint. Returns whether the new jar runs.
     */
    public boolean upgrade(StackJob job, Path newJar) throws Exception {
        String id =
                flink.activeJob(job.name())
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "the "
                                                        + job.label()
                                                        + " job does not run: `causality jobs"
                                                        + " resume "
                                                        + job.label()
                                                        + "` starts it"));
        Path oldJar = runningJar(job).orElse(null);
        Path savepoint = stop(job, id);
        String next = null;
        String failure;
        try {
            next = submit(job, newJar, Optional.of(savepoint), false);
            failure = awaitHealthy(next);
        } catch (IOException e) {
            failure = e.getMessage().lines().findFirst().orElse("");
        }
        if (failure == null) {
            out.println("  " + pad(job.label()) + "upgraded: job " + next + " runs " + newJar);
            retired(new Resumed(job, next));
            return true;
        }
        out.println("  " + pad(job.label()) + "the new jar failed: " + failure);
        // Whatever failed (even a submit that timed out after Flink had started the run), no
        // run of the new jar may go on beside the one rolled back to.
        cancelEveryRun(job);
        // Its checkpoints are newer than the savepoint; no resume may start from them.
        forgetRunsBefore(job, null);
        if (oldJar == null || !Files.exists(oldJar)) {
            out.println(
                    "  "
                            + pad(job.label())
                            + "no earlier jar recorded to roll back to; `causality jobs resume "
                            + job.label()
                            + "` resumes from "
                            + savepoint);
            return false;
        }
        String again;
        String back = null;
        try {
            back = submit(job, oldJar, Optional.of(savepoint), false);
            again = awaitHealthy(back);
        } catch (IOException e) {
            again = e.getMessage().lines().findFirst().orElse("");
        }
        if (again != null) {
            cancelEveryRun(job);
            forgetRunsBefore(job, null);
            throw new IOException(
                    "rolling back failed too: "
                            + again
                            + "; the job is stopped, and `causality jobs resume "
                            + job.label()
                            + "` starts it from "
                            + savepoint);
        }
        out.println(
                "  "
                        + pad(job.label())
                        + "rolled back: job "
                        + back
                        + " runs the earlier jar from "
                        + savepoint);
        retired(new Resumed(job, back));
        return false;
    }

    /** Cancels the job's active runs, one after the other, and waits until none is left. */
    private void cancelEveryRun(StackJob job) throws IOException, InterruptedException {
        Optional<String> active;
        while ((active = flink.activeJob(job.name())).isPresent()) {
            String id = active.get();
            flink.cancel(id);
            Poll.forThe("job " + id + " to stop", Duration.ofSeconds(60), Duration.ofMillis(250))
                    .until(() -> !flink.activeJob(job.name()).equals(Optional.of(id)));
        }
    }

    /** Null once the job runs and has completed a checkpoint; else what went wrong. */
    private String awaitHealthy(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            var h = flink.health(jobId);
            if (h.isPresent()) {
                String state = h.get().state();
                if (state.equals("FAILED") || state.equals("CANCELED")) {
                    return "the job is "
                            + state
                            + (h.get().failure().map(f -> ": " + f).orElse(""));
                }
                if (h.get().restarts() > 0) {
                    return "the job restarted"
                            + h.get().failure().map(f -> " after: " + f).orElse("");
                }
                if (state.equals("RUNNING") && h.get().completedCheckpoints() > 0) {
                    return null;
                }
            }
            Thread.sleep(500); // a checkpoint takes seconds; the deadline bounds the wait
        }
        return "no completed checkpoint within " + HEALTHY_WITHIN.toSeconds() + " s";
    }

    // ---- status ----

    /** A checkpoint older than this, in a job that runs longer, makes the job unhealthy. */
    static final Duration STALE_CHECKPOINT = Duration.ofMinutes(2);

    /**
     * One row per job: state, uptime, restarts, age of the last completed checkpoint, input lag per
     * source, records/s in and out, and whether it is healthy (it runs and checkpoints); true if
     * every job is.
     */
    public boolean printHealth(PrintStream to, Instant now) throws Exception {
        boolean all = true;
        Map<String, Long> lag;
        String lagUnknown = null;
        try {
            lag = lag();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Kafka down or slow: the jobs' state is still worth showing.
            lag = Map.of();
            Throwable cause =
                    e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                            ? e.getCause()
                            : e;
            lagUnknown = "unknown (Kafka: " + cause.getClass().getSimpleName() + ")";
        }
        List<List<com.fasterxml.jackson.databind.JsonNode>> rows = new ArrayList<>();
        var text = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        for (StackJob job : jobs) {
            var id = flink.activeJob(job.name());
            var h =
                    id.isPresent()
                            ? flink.health(id.get())
                            : Optional.<FlinkCluster.JobHealth>empty();
            List<String> cells = new ArrayList<>();
            cells.add(job.label());
            if (h.isEmpty()) {
                all = false;
                cells.addAll(List.of("NOT RUNNING", "", "", "", "", "", "", "no"));
            } else {
                var j = h.get();
                Duration up = Duration.ofMillis(Math.max(0, now.toEpochMilli() - j.startedAt()));
                Duration sinceCheckpoint =
                        j.lastCheckpointAt() < 0
                                ? null
                                : Duration.ofMillis(
                                        Math.max(0, now.toEpochMilli() - j.lastCheckpointAt()));
                boolean checkpointing =
                        sinceCheckpoint != null
                                ? sinceCheckpoint.compareTo(STALE_CHECKPOINT) <= 0
                                : up.compareTo(STALE_CHECKPOINT) <= 0;
                boolean healthy = j.state().equals("RUNNING") && checkpointing;
                all &= healthy;
                cells.add(j.state());
                cells.add(age(up));
                cells.add(Long.toString(j.restarts()));
                cells.add(sinceCheckpoint == null ? "none yet" : age(sinceCheckpoint) + " ago");
                final Map<String, Long> lags = lag;
                cells.add(
                        lagUnknown != null
                                ? lagUnknown
                                : String.join(
                                        ", ",
                                        lags.entrySet().stream()
                                                .filter(
                                                        e ->
                                                                e.getKey()
                                                                        .startsWith(
                                                                                job.name() + " "))
                                                .map(
                                                        e ->
                                                                e.getKey()
                                                                                .substring(
                                                                                        job.name()
                                                                                                        .length()
                                                                                                + 1)
                                                                        + " "
                                                                        + e.getValue())
                                                .toList()));
                cells.add(String.format("%.1f", j.inPerSecond()));
                cells.add(String.format("%.1f", j.outPerSecond()));
                cells.add(healthy ? "yes" : "NO");
            }
            rows.add(
                    cells.stream()
                            .map(c -> (com.fasterxml.jackson.databind.JsonNode) text.textNode(c))
                            .toList());
        }
        List<String> columns =
                List.of(
                        "job",
                        "state",
                        "uptime",
                        "restarts",
                        "last checkpoint",
                        "input lag (records)",
                        "in/s",
                        "out/s",
                        "healthy");
        List<String> types = new ArrayList<>();
        columns.forEach(
                c -> types.add(c.equals("restarts") || c.endsWith("/s") ? "bigint" : "varchar"));
        to.print(ResultTable.format(new TrinoClient.Result(columns, types, rows)));
        return all;
    }

    /**
     * Records in the input topics that the jobs have not committed yet, by {@code <consumer group's
     * job> <topic>}: each job's sources read as the group of its name (the reaction job's rules as
     * {@code <name>-rules}) and commit their offsets at checkpoints, so this is the lag as of the
     * last checkpoint.
     */
    private Map<String, Long> lag() throws Exception {
        Map<String, Long> lag = new TreeMap<>();
        try (Admin admin = kafka.admin()) {
            for (StackJob job : jobs) {
                for (String group : List.of(job.name(), job.name() + "-rules")) {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(group)
                                    .partitionsToOffsetAndMetadata()
                                    .get(10, TimeUnit.SECONDS);
                    if (committed.isEmpty()) {
                        continue;
                    }
                    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                    var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    committed.forEach(
                            (tp, at) -> {
                                long end = ends.get(tp).offset();
                                long behind = at == null ? end : Math.max(0, end - at.offset());
                                lag.merge(job.name() + " " + tp.topic(), behind, Long::sum);
                            });
                }
            }
        }
        return lag;
    }

    /** 812 B, 4.2 MB. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KB", n / 1024.0);
        }
        return String.format("%.1f MB", n / (1024.0 * 1024));
    }

    /** 3 s, 4 min 10 s, 2 h 5 min, 3 d 4 h. */
    public static String age(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86400) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        return s / 86400 + " d " + s % 86400 / 3600 + " h";
    }

    // ---- savepoints ----

    /** A savepoint on disk: whose, where, when, how large, and whether a resume starts from it. */
    public record Savepoint(
            String job, Path path, Instant completed, long bytes, boolean resumePoint) {}

    /** The complete savepoints in the savepoint directory, newest first. */
    public List<Savepoint> savepoints() throws IOException {
        Map<String, String> owners = owners();
        List<Path> resumePoints = new ArrayList<>();
        for (StackJob j : jobs) {
            recordedSavepoint(j).ifPresent(p -> resumePoints.add(p.toAbsolutePath().normalize()));
        }
        List<Savepoint> found = new ArrayList<>();
        if (!Files.isDirectory(flink.savepoints())) {
            return found;
        }
        try (Stream<Path> dirs = Files.list(flink.savepoints())) {
            for (Path d : dirs.filter(d -> d.resolve("_metadata").toFile().isFile()).toList()) {
                String name = d.getFileName().toString(); // savepoint-<6 of the job id>-<random>
                String[] parts = name.split("-");
                String owner = parts.length >= 2 ? owners.getOrDefault(parts[1], "?") : "?";
                found.add(
                        new Savepoint(
                                owner,
                                d,
                                Files.getLastModifiedTime(d.resolve("_metadata")).toInstant(),
                                size(d),
                                resumePoints.contains(d.toAbsolutePath().normalize())));
            }
        }
        found.sort((a, b) -> b.completed().compareTo(a.completed()));
        return found;
    }

    /**
     * Deletes the savepoints {@link SavepointPolicy} lets go, and returns them: the newest of each
     * job and every one a resume would start from stay.
     */
    public List<Savepoint> clean(SavepointPolicy policy, Instant now) throws IOException {
        List<Savepoint> gone = policy.toDelete(savepoints(), now);
        for (Savepoint s : gone) {
            StackLayout.deleteTree(s.path());
        }
        return gone;
    }

    /** First six characters of a run's id → the job's label, from {@code runs.log}. */
    private Map<String, String> owners() throws IOException {
        Map<String, String> owners = new TreeMap<>();
        Path log = flinkDir().resolve("runs.log");
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length == 2 && f[0].length() >= 6) {
                    owners.put(f[0].substring(0, 6), f[1]);
                }
            }
        }
        return owners;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    // ---- what is kept on disk ----

    private Path flinkDir() {
        return layout.home().resolve("flink");
    }

    /** Where a stop records the savepoint a job resumes from. */
    private Path savepointFile(StackJob job) {
        return flinkDir().resolve(job.label() + ".savepoint");
    }

    /** The ids of the job's runs since the last clean stop, one per line. */
    private Path runsFile(StackJob job) {
        return flinkDir().resolve(job.label() + ".runs");
    }

    /** The kept copy of the jar the job runs. */
    private Path jarFile(StackJob job) {
        return flinkDir().resolve(job.label() + ".jar");
    }

    /** Where the last stop's savepoint is, if it recorded one. */
    public Optional<Path> recordedSavepoint(StackJob job) throws IOException {
        Path file = savepointFile(job);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(location(Files.readString(file, StandardCharsets.UTF_8).trim()));
    }

    /** The jar the job's last run was submitted from, if recorded. */
    public Optional<Path> runningJar(StackJob job) throws IOException {
        Path file = jarFile(job);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Path.of(Files.readString(file, StandardCharsets.UTF_8).trim()));
    }

    /** Flink says where as a file: URI. */
    private static Path location(String location) {
        return location.startsWith("file:")
                ? Path.of(java.net.URI.create(location))
                : Path.of(location);
    }

    private List<Path> checkpointRoots(StackJob job) throws IOException {
        Path file = runsFile(job);
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::trim)
                .filter(id -> !id.isEmpty())
                .map(id -> flink.checkpoints().resolve(id))
                .toList();
    }

    /** Deletes the checkpoints of the job's runs other than the given one (null: all). */
    private void forgetRunsBefore(StackJob job, String current) throws IOException {
        for (Path r : checkpointRoots(job)) {
            if (current == null || !r.getFileName().toString().equals(current)) {
                StackLayout.deleteTree(r);
            }
        }
        if (current == null) {
            Files.deleteIfExists(runsFile(job));
        } else {
            Files.writeString(runsFile(job), current + "\n", StandardCharsets.UTF_8);
        }
    }

    private static void append(Path file, String line) throws IOException {
        Files.writeString(
                file,
                line + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * A copy of the jar under {@code jars/}, named by its content: the build replaces the jar in
     * {@code jobs/target}, and a roll back needs the one that ran.
     */
    private Path keep(Path jar) throws IOException {
        Path dir = flinkDir().resolve("jars");
        Files.createDirectories(dir);
        Path kept = dir.resolve(keptName(jar));
        if (!Files.exists(kept)) {
            Path part = dir.resolve(kept.getFileName() + ".part");
            Files.copy(jar, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, kept, StandardCopyOption.ATOMIC_MOVE);
        }
        return kept;
    }

    /** Deletes the kept jars that no job's last run was submitted from. */
    private void pruneJars() throws IOException {
        Path dir = flinkDir().resolve("jars");
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> used = new ArrayList<>();
        for (StackJob j : jobs) {
            runningJar(j).ifPresent(p -> used.add(p.toAbsolutePath().normalize()));
        }
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.toList()) {
                if (!used.contains(jar.toAbsolutePath().normalize())) {
                    Files.deleteIfExists(jar);
                }
            }
        }
    }

    /** Whether a jar has been built that is not the kept one. */
    private boolean builtJarDiffersFrom(Path kept) throws IOException {
        Path built;
        try {
            built = builtJar();
        } catch (IOException none) {
            return false;
        }
        return !kept.getFileName().toString().equals(keptName(built));
    }

    /** Hashes of the jars seen, by path, size and time: each jar is read once per command. */
    private final Map<String, String> keptNames = new java.util.HashMap<>();

    /** A kept jar's name: its content's hash. */
    private String keptName(Path jar) throws IOException {
        String seen =
                jar.toAbsolutePath() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar);
        String name = keptNames.get(seen);
        if (name == null) {
            name = sha256(jar).substring(0, 16) + ".jar";
            keptNames.put(seen, name);
        }
        return name;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jobs jar the build made. */
    public Path builtJar() throws IOException {
        try (var files = Files.list(root.resolve("jobs/target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-flink.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IOException(
                                            "no jobs jar in "
                                                    + root.resolve("jobs/target")
                                                    + "; build it with ./causality (it builds what is missing)"));
        }
    }

    static String pad(String s) {
        return String.format("%-12s", s);
    }
}
