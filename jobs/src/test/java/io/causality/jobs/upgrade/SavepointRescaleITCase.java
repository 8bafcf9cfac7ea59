package io.causality.jobs.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.JobsMiniCluster;
import io.causality.jobs.delivery.Receivers;
import io.causality.processes.KafkaBroker;
import io.causality.schemas.EventJson;
import io.causality.testing.LakeFiles;
import io.causality.testing.TestKafka;
import io.causality.testing.TestPostgres;
import io.causality.testing.TopicRead;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SchemaMigrations;
import io.causality.webhooks.SecretBox;
import io.causality.webhooks.WebhookSecret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every job of this release resumes from the savepoints kept in {@code
 * src/test/resources/savepoints/<release>/} (written by {@link SavepointFixtureWriter}) at the
 * parallelism they were taken at and rescaled, 1 → 2 and 2 → 1: every state is taken up (none may
 * be left over), the sources go on where the savepoint stopped them (nothing read twice), and what
 * a job held in keyed state, now spread over other subtasks, still counts: ids seen before are
 * still duplicates, a sequence started before completes, a window counted before adds up, a
 * delivery held for its retry is sent.
 */
class SavepointRescaleITCase {
    private static final String RELEASE = "v0.2-5c35c74";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @RegisterExtension static final MiniClusterExtension FLINK = JobsMiniCluster.create();

    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
        SchemaMigrations.apply(postgres.dataSource());
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    static Stream<Arguments> restores() {
        List<Arguments> out = new ArrayList<>();
        for (String job : FixtureJobs.JOBS) {
            out.add(Arguments.of(job, 1, 1));
            out.add(Arguments.of(job, 1, 2));
            out.add(Arguments.of(job, 2, 1));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: taken at parallelism {1}, resumed at {2}")
    @MethodSource("restores")
    void resumesFromItsSavepoint(String job, int takenAt, int resumedAt) throws Exception {
        Path fixture =
                Path.of(
                        SavepointRescaleITCase.class
                                .getResource("/savepoints/" + RELEASE + "/p" + takenAt)
                                .toURI());
        // A broker of its own: the topics as the job saw them, at the same offsets.
        KafkaBroker kafka = TestKafka.start(FixtureJobs.topics());
        try (Receivers receivers = new Receivers()) {
            for (String topic : FixtureJobs.INPUTS) {
                TopicDump.replay(
                        kafka,
                        topic,
                        fixture.resolve("topics").resolve(topic + ".tsv"),
                        FixtureJobs.TRANSACTIONAL_INPUTS.contains(topic));
            }
            Path work =
                    Path.of(
                                    "target",
                                    "it",
                                    "restore-" + UUID.randomUUID().toString().substring(0, 8))
                            .toAbsolutePath();
            Path lake = work.resolve("lake");
            if (job.equals("delivery")) {
                endpointsAt(receivers);
            }
            StreamExecutionEnvironment env = FixtureJobs.env(resumedAt, fixture.resolve(job));
            FixtureJobs.build(job, env, kafka, lake, postgres.jdbcUrl(), FixtureJobs.keyFile(work));
            JobClient client = env.executeAsync("restored-" + job);
            try {
                switch (job) {
                    case "warehouse" -> warehouse(kafka, lake, client);
                    case "reaction" -> reaction(kafka, client);
                    case "anomaly" -> anomaly(kafka, client);
                    case "delivery" -> delivery(receivers, client);
                    default -> throw new IllegalArgumentException(job);
                }
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(
                        "what the restored job wrote: matches "
                                + TopicRead.values(kafka.bootstrapServers(), FixtureJobs.MATCHES)
                                + ", anomalies "
                                + TopicRead.values(kafka.bootstrapServers(), FixtureJobs.ANOMALIES)
                                + ", dead letters "
                                + TopicRead.values(kafka.bootstrapServers(), FixtureJobs.DLQ)
                                + ", webhooks received "
                                + receivers.received,
                        e);
            } finally {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        } finally {
            kafka.stop();
        }
    }

    /**
     * Retries of events stored before the savepoint are dropped; new events are stored once each,
     * the same id in two apps twice. The retries go first in one partition: by the time the new
     * events are committed, they were judged.
     */
    private void warehouse(KafkaBroker kafka, Path lake, JobClient job) {
        Instant now = T0.plus(Duration.ofHours(2));
        FixtureJobs.send(
                kafka,
                0,
                List.of(
                        SavepointFixtureWriter.purchase(
                                "fx-shop-3", "demo-shop", "u-3", T0.plusSeconds(3), 13),
                        SavepointFixtureWriter.purchase(
                                "fx-shared-1", "demo-news", "u-s", T0.plusSeconds(21), 6),
                        SavepointFixtureWriter.purchase("fx-after", "demo-shop", "u", now, 1),
                        SavepointFixtureWriter.purchase(
                                "fx-after-shared", "demo-shop", "u", now, 2),
                        SavepointFixtureWriter.purchase(
                                "fx-after-shared", "demo-news", "u", now, 3)));
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> running(job) && LakeFiles.eventIds(lake).size() >= 3);
        String shared = SavepointFixtureWriter.id("fx-after-shared");
        assertThat(lakeIds(lake))
                .containsExactlyInAnyOrder(SavepointFixtureWriter.id("fx-after"), shared, shared);
    }

    /**
     * The rules came from the savepoint (the rules topic holds them too, as it did). u1's signup in
     * demo-news, seen before, and a purchase now make one conversion; a retry of the big purchase
     * matched before is not matched again, a new one is.
     */
    private void reaction(KafkaBroker kafka, JobClient job) {
        Instant t = T0.plus(Duration.ofMinutes(5));
        FixtureJobs.send(
                kafka,
                0,
                List.of(
                        SavepointFixtureWriter.purchase(
                                "fx-big-1", "demo-shop", "u-b", T0.plusSeconds(30), 900),
                        SavepointFixtureWriter.purchase("fx-u1-buys", "demo-news", "u1", t, 5),
                        SavepointFixtureWriter.purchase(
                                "fx-big-after", "demo-shop", "u9", t.plusSeconds(1), 950)));
        int[] ticks = {0};
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            // Event time moves on in both partitions.
                            Instant at = t.plusSeconds(60L * ++ticks[0]);
                            for (int p = 0; p < 2; p++) {
                                FixtureJobs.send(
                                        kafka,
                                        p,
                                        List.of(
                                                FixtureJobs.open(
                                                        "tick-" + UUID.randomUUID(), "ticks", at)));
                            }
                            return running(job)
                                    && !matched(kafka, "convert").isEmpty()
                                    && !matched(kafka, "big").isEmpty();
                        });
        List<JsonNode> convert = matched(kafka, "convert");
        assertThat(convert)
                .extracting(m -> m.path("app_id").asText() + " " + m.path("key").asText())
                .containsExactly("demo-news u1");
        assertThat(matched(kafka, "big"))
                .extracting(m -> m.path("event_ids").get(0).asText())
                .containsExactly(SavepointFixtureWriter.id("fx-big-after"));
    }

    /**
     * Four purchases of the window were counted before the savepoint, three come now: the window
     * fires once, with 7 (3 would be something lost, 11 something doubled).
     */
    private void anomaly(KafkaBroker kafka, JobClient job) {
        Instant w = FixtureJobs.WINDOW;
        List<String> purchases = new ArrayList<>();
        for (int i = 5; i <= 7; i++) {
            purchases.add(
                    SavepointFixtureWriter.purchase(
                            "fx-window-" + i,
                            FixtureJobs.ANOMALY_APP,
                            "w",
                            w.plusSeconds(10L * (i - 4)),
                            i));
        }
        FixtureJobs.send(kafka, 0, purchases);
        // Closes the window [w, w + 1m) and no later one, in both partitions.
        for (int p = 0; p < 2; p++) {
            FixtureJobs.send(
                    kafka, p, List.of(FixtureJobs.open("close-" + p, "ticks", w.plusSeconds(90))));
        }
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> running(job) && !busy(kafka).isEmpty());
        assertThat(busy(kafka))
                .extracting(
                        a ->
                                a.path("state").asText()
                                        + " "
                                        + a.path("value").asDouble()
                                        + " "
                                        + a.path("window_end").asText())
                .containsExactly("firing 7.0 " + w.plus(Duration.ofMinutes(1)));
    }

    /**
     * Both webhooks failed once before the savepoint and were held for their retry, due long since:
     * each is sent now, and logged as delivered at its second attempt.
     */
    private void delivery(Receivers receivers, JobClient job) throws Exception {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                running(job)
                                        && attempts("delivered").size()
                                                == FixtureJobs.ENDPOINTS.size());
        List<String> expected = new ArrayList<>();
        for (String e : FixtureJobs.ENDPOINTS) {
            String id =
                    EventJson.mapper().readTree(FixtureJobs.webhook(e)).path("action_id").asText();
            expected.add(id);
            assertThat(receivers.at("/" + e))
                    .extracting(Receivers.Received::webhookId)
                    .containsOnly(id);
            assertThat(receivers.at("/" + e)).allMatch(Receivers.Received::verified);
        }
        assertThat(attempts("delivered"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(expected.get(0), 2, expected.get(1), 2));
    }

    /** A new database's endpoints of app fx-shop, at receivers that answer 200. */
    private static void endpointsAt(Receivers receivers) throws Exception {
        try (Connection c = postgres.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE webhook_attempts, webhook_deliveries, webhook_endpoints CASCADE");
        }
        EndpointStore store =
                new EndpointStore(postgres.dataSource(), new SecretBox(FixtureJobs.SECRET_KEY));
        for (String e : FixtureJobs.ENDPOINTS) {
            WebhookSecret secret =
                    store.add("fx-shop", e, receivers.url("/" + e), null, false).secret();
            receivers.route("/" + e, secret, (ex, n) -> Receivers.answer(ex, 200, Map.of()));
        }
    }

    /** The delivery log: delivery id → attempts, of the deliveries in the given status. */
    private static Map<String, Integer> attempts(String status) throws Exception {
        Map<String, Integer> out = new java.util.HashMap<>();
        try (Connection c = postgres.dataSource().getConnection();
                var ps =
                        c.prepareStatement(
                                "SELECT delivery_id, attempts FROM webhook_deliveries"
                                        + " WHERE status = ?")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    private static List<String> lakeIds(Path lake) {
        try {
            return LakeFiles.eventIds(lake);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> read(KafkaBroker kafka, String topic) {
        return TopicRead.json(kafka.bootstrapServers(), topic);
    }

    private static List<JsonNode> matched(KafkaBroker kafka, String rule) {
        return read(kafka, FixtureJobs.MATCHES).stream()
                .filter(m -> m.path("rule").asText().equals(rule))
                .toList();
    }

    private static List<JsonNode> busy(KafkaBroker kafka) {
        return read(kafka, FixtureJobs.ANOMALIES).stream()
                .filter(a -> a.path("detector").asText().equals("busy"))
                .toList();
    }

    /** True while the job runs; a job that ended fails the test with its cause. */
    private static boolean running(JobClient job) throws Exception {
        if (job.getJobStatus().get().isGloballyTerminalState()) {
            job.getJobExecutionResult().get();
            throw new IllegalStateException("the restored job ended");
        }
        return true;
    }
}
