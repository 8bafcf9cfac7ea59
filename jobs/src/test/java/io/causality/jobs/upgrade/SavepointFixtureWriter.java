package io.causality.jobs.upgrade;

import static org.awaitility.Awaitility.await;

import io.causality.jobs.delivery.Receivers;
import io.causality.processes.KafkaBroker;
import io.causality.rules.json.DeployedRule;
import io.causality.testing.TestKafka;
import io.causality.testing.TestPostgres;
import io.causality.testing.TopicRead;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SchemaMigrations;
import io.causality.webhooks.SecretBox;
import io.causality.webhooks.WebhookSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * Writes the savepoint fixtures that {@code SavepointRescaleITCase} restores: each of the four jobs
 * of the current code runs against a real broker (and the delivery job a real PostgreSQL), at
 * parallelism 1 and again at 2, sees what {@link FixtureJobs} sends it, and is stopped with a
 * savepoint, copied to {@code src/test/resources/savepoints/<release>/p<n>/<job>/} with the records
 * of the topics the jobs read ({@code p<n>/topics/}). Not part of the test run (its name matches no
 * test pattern): run it once per release whose savepoints the next release must restore, {@code mvn
 * -pl jobs verify -Dit.test=SavepointFixtureWriter -Dfixture.release=<name>} (docs/upgrades.md).
 * The helpers below also describe the first release's fixture ({@code v0.1-5af963d}), which {@code
 * SavepointUpgradeITCase} restores.
 */
class SavepointFixtureWriter {
    static final String EVENTS = "fx.events";
    static final String RULES = "fx.rules";
    static final String DLQ = "fx.dlq";
    static final String MATCHES = "fx.matches";
    static final String ACTIONS = "fx.actions";
    static final String STATUS = "fx.status";

    @Test
    void writeFixtures() throws Exception {
        String release = System.getProperty("fixture.release");
        if (release == null) {
            throw new IllegalArgumentException("-Dfixture.release=<name> is required");
        }
        Path out = Path.of("src/test/resources/savepoints", release).toAbsolutePath();
        for (int parallelism : List.of(1, 2)) {
            write(out.resolve("p" + parallelism), parallelism);
        }
    }

    private static void write(Path out, int parallelism) throws Exception {
        KafkaBroker kafka = TestKafka.start(FixtureJobs.topics());
        try (TestPostgres postgres = TestPostgres.start();
                Receivers receivers = new Receivers()) {
            SchemaMigrations.apply(postgres.dataSource());
            EndpointStore endpoints =
                    new EndpointStore(postgres.dataSource(), new SecretBox(FixtureJobs.SECRET_KEY));
            for (String e : FixtureJobs.ENDPOINTS) {
                WebhookSecret secret =
                        endpoints.add("fx-shop", e, receivers.url("/" + e), null, false).secret();
                receivers.route("/" + e, secret, (ex, n) -> Receivers.answer(ex, 503, Map.of()));
            }
            FixtureJobs.sendInputs(kafka);
            Path work = Path.of("target", "fixture-" + UUID.randomUUID()).toAbsolutePath();
            Path lake = work.resolve("lake");
            Path keyFile = FixtureJobs.keyFile(work);
            for (String name : FixtureJobs.JOBS) {
                StreamExecutionEnvironment env = FixtureJobs.env(parallelism, null);
                FixtureJobs.build(name, env, kafka, lake, postgres.jdbcUrl(), keyFile);
                JobClient job = env.executeAsync("fixture-" + name);
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> failFast(job) && seen(name, kafka, lake, receivers));
                // A few checkpoint intervals with nothing new, so that the savepoint holds no
                // file or request in flight; a fixture, not a test.
                Thread.sleep(3000);
                String savepoint =
                        job.stopWithSavepoint(
                                        false,
                                        work.resolve("savepoints").toUri().toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(60, TimeUnit.SECONDS);
                if (name.equals("delivery")
                        && receivers.received.size() != FixtureJobs.ENDPOINTS.size()) {
                    throw new IllegalStateException(
                            "a retry went before the savepoint: "
                                    + receivers.received
                                    + "; the fixture would hold no delivery waiting for it");
                }
                copy(Path.of(java.net.URI.create(savepoint)), out.resolve(name));
            }
            for (String topic : FixtureJobs.INPUTS) {
                TopicDump.write(kafka, topic, out.resolve("topics").resolve(topic + ".tsv"));
            }
        } finally {
            kafka.stop();
        }
    }

    /** Whether the job has seen what its fixture must hold. */
    private static boolean seen(String job, KafkaBroker kafka, Path lake, Receivers receivers)
            throws Exception {
        return switch (job) {
            case "warehouse" -> committed(lake) > 0 && !inFlight(lake);
            case "reaction" ->
                    TopicRead.values(kafka.bootstrapServers(), FixtureJobs.MATCHES).stream()
                                    .anyMatch(m -> m.contains("\"rule\":\"probe\""))
                            && TopicRead.values(kafka.bootstrapServers(), FixtureJobs.MATCHES)
                                    .stream()
                                    .anyMatch(m -> m.contains("\"rule\":\"signups\""));
            case "anomaly" ->
                    TopicRead.values(kafka.bootstrapServers(), FixtureJobs.ANOMALIES).stream()
                            .anyMatch(a -> a.contains("\"detector\":\"seen\""));
            // Both first attempts failed and went to the retry topic, to be held for an hour.
            case "delivery" ->
                    receivers.received.size() >= FixtureJobs.ENDPOINTS.size()
                            && TopicRead.values(kafka.bootstrapServers(), FixtureJobs.RETRIES)
                                            .size()
                                    >= FixtureJobs.ENDPOINTS.size();
            default -> throw new IllegalArgumentException(job);
        };
    }

    /**
     * Two apps, the same event id in both (the old jobs kept only the first), a retried event, a
     * record that is not JSON, a big purchase (a per-event match) and a signup by u1 in demo-news,
     * the first step of a sequence that is still in progress when the savepoint is taken.
     */
    static List<String> events() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(purchase("fx-shop-" + i, "demo-shop", "u-" + i, t0.plusSeconds(i), 10 + i));
        }
        out.add(purchase("fx-shared-1", "demo-shop", "u-s", t0.plusSeconds(20), 5));
        out.add(purchase("fx-shared-1", "demo-news", "u-s", t0.plusSeconds(21), 6));
        out.add(purchase("fx-shop-3", "demo-shop", "u-3", t0.plusSeconds(3), 13));
        out.add("{not json");
        out.add(purchase("fx-big-1", "demo-shop", "u-b", t0.plusSeconds(30), 900));
        out.add(
                "{\"event_id\":\""
                        + id("fx-signup-u1")
                        + "\",\"app_id\":\"demo-news\",\"type\":\"user_signup\","
                        + "\"user_id\":\"u1\",\"timestamp\":\""
                        + t0.plusSeconds(40)
                        + "\",\"received_at\":\""
                        + t0.plusSeconds(41)
                        + "\",\"properties\":{}}");
        out.add(
                "{\"event_id\":\""
                        + id("fx-probe-1")
                        + "\",\"app_id\":\"demo-shop\",\"type\":\"app_open\","
                        + "\"anonymous_id\":\"d\",\"timestamp\":\""
                        + t0.plusSeconds(50)
                        + "\",\"received_at\":\""
                        + t0.plusSeconds(51)
                        + "\",\"properties\":{}}");
        return out;
    }

    /** Event ids are UUIDs (the schema says so); these are derived from readable names. */
    static String id(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String purchase(String name, String app, String user, Instant at, double total) {
        return "{\"event_id\":\""
                + id(name)
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"purchase_complete\",\"user_id\":\""
                + user
                + "\",\"timestamp\":\""
                + at
                + "\",\"received_at\":\""
                + at.plusSeconds(1)
                + "\",\"properties\":{\"order_id\":\"o-"
                + name
                + "\",\"total\":"
                + total
                + ",\"currency\":\"EUR\"}}";
    }

    /**
     * The Kafka record time of an event: its own time, as if the ingest had stored it then (the
     * reaction job's event time follows record times, so the sequence's first step is not late).
     */
    static long recordTime(String event) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"timestamp\":\"([^\"]+)\"").matcher(event);
        return m.find()
                ? Instant.parse(m.group(1)).toEpochMilli()
                : Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
    }

    /** The rules deployed before the reaction job starts. */
    static List<DeployedRule> rules() throws Exception {
        String text =
                "rule \"big\" on purchase_complete where $.properties.total >= 500"
                        + " then emit \"sales\" end\n"
                        + "rule \"convert\" sequence by $.user_id within 1h"
                        + " user_signup followed by purchase_complete then emit \"growth\" end\n"
                        + "rule \"probe\" on app_open then emit \"probes\" end\n"
                        // Its match shows the signup went past the evaluator, into the sequence.
                        + "rule \"signups\" on user_signup then emit \"signups\" end\n";
        return FixtureJobs.deployed("fixture.rules", text);
    }

    private static boolean failFast(JobClient job) throws Exception {
        var status = job.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            job.getJobExecutionResult().get();
            throw new IllegalStateException("the job ended: " + status);
        }
        return true;
    }

    private static long committed(Path lake) throws Exception {
        if (!Files.exists(lake)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(f -> f.getFileName().toString().startsWith("compacted-")).count();
        }
    }

    private static boolean inFlight(Path lake) throws Exception {
        try (Stream<Path> files = Files.walk(lake)) {
            return files.anyMatch(
                    f ->
                            Files.isRegularFile(f)
                                    && (f.getFileName().toString().startsWith(".")
                                            || f.getFileName().toString().startsWith("part-")));
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
