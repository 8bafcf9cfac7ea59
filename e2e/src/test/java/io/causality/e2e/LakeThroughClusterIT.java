package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.contracts.Topics;
import io.causality.ingest.segment.SegmentMapper;
import io.causality.rules.topic.RuleTopic;
import io.causality.schemas.EventJson;
import io.causality.stack.LocalStack;
import io.causality.stack.SavepointPolicy;
import io.causality.stack.StackJobs;
import io.causality.stack.StackJobs.StackJob;
import io.causality.stack.TrinoClient;
import io.causality.stack.demo.IngestClient;
import io.causality.stack.rules.RulesCommand;
import io.causality.testing.FreePorts;
import io.causality.testing.LakeFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path as a user runs it: the local stack (PostgreSQL, Kafka, ingest, s3proxy, a Flink
 * session cluster running the warehouse job, Trino), events sent over HTTP with retried duplicates,
 * unreadable records put straight on the topic; the lake on the S3 server holds every distinct
 * accepted event exactly once (read from the Parquet files, and counted by Trino), and the
 * unreadable records are in the dead-letter topic. Then rules deployed as {@code causality rules
 * deploy} does it reach the running reaction job and match.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakeThroughClusterIT {
    private static LocalStack stack;

    @BeforeAll
    static void up() throws Exception {
        stack = TestStacks.create("stack");
        stack.up();
    }

    @AfterAll
    static void down() throws Exception {
        if (stack != null) {
            stack.down();
        }
    }

    @Test
    @Order(1) // it counts the whole lake, so it runs before anything else sends events
    void acceptedEventsLandInTheS3LakeExactlyOnceAndUnreadableOnesInTheDlq() throws Exception {
        IngestClient client = new IngestClient(stack.config().ingestUrl());
        String key = stack.demoKeys().get("demo-shop");
        Set<String> accepted = new HashSet<>();
        List<ObjectNode> sent = new ArrayList<>();
        for (int batch = 0; batch < 6; batch++) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ObjectNode e = EventJson.mapper().createObjectNode();
                e.put("event_id", UUID.randomUUID().toString())
                        .put("type", "app_open")
                        .put("anonymous_id", "d-" + i);
                e.put("timestamp", Instant.now().minusSeconds(i).toString());
                events.add(e);
            }
            IngestClient.Answer a = client.nativeBatch(key, events);
            assertThat(a.status()).isEqualTo(200);
            a.body().get("event_ids").forEach(id -> accepted.add(id.asText()));
            sent.addAll(events);
        }
        // Retries of events already accepted: the same ids, stored once.
        IngestClient.Answer retry = client.nativeBatch(key, sent.subList(0, 40));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(accepted).hasSize(300);

        // Records that are not events, put straight on the topic around the ingest.
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < 4; i++) {
                producer.send(
                        new ProducerRecord<>(
                                Topics.EVENTS,
                                ("not an event " + i).getBytes(StandardCharsets.UTF_8)));
            }
        }

        Path events = stack.lake().resolve("events");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> LakeFiles.eventIds(events).size() >= accepted.size());
        List<String> stored = LakeFiles.eventIds(events);
        assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(events.resolve("app_id=demo-shop")).isDirectory();

        // The same, asked of Trino over the table the stack defined from the schemas module.
        assertThat(stack.trino().process().running())
                .as("Trino runs (it needs a JDK the stack finds; see the up output above)")
                .isPresent();
        stack.lakeTable().sync();
        TrinoClient.Result counts =
                stack.trino()
                        .client()
                        .query(
                                "SELECT count(*), count(DISTINCT event_id), count(DISTINCT app_id)"
                                        + " FROM events",
                                Duration.ofSeconds(60));
        assertThat(counts.rows().get(0).stream().map(v -> v.asLong()).toList())
                .containsExactly((long) accepted.size(), (long) accepted.size(), 1L);

        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters() >= 4);
    }

    /**
     * The done-when on the running stack: rules deployed with what {@code causality rules
     * deploy} runs reach the running reaction job and match, a per-event rule and a sequence rule
     * alike, with the sequence's events and key in its match.
     */
    @Test
    @Order(2)
    void rulesDeployedWithTheCliOnTheRunningStackMatchPerEventAndAsSequences(@TempDir Path dir)
            throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("it.rules"),
                        """
                        rule "it-open-v9" for app "demo-news" on app_open
                          where $.properties.version == "9.9.9"
                          then emit "it" end
                        rule "it-signup-then-open" for app "demo-news"
                          sequence by $.anonymous_id within 1m
                            user_signup as signup followed by app_open
                          then emit "it" with {"device": @key} end
                        """);
        var topic = new RuleTopic(stack.kafka().bootstrapServers(), Topics.RULES);
        var out = new java.io.ByteArrayOutputStream();
        var print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(new RulesCommand(print, print).deploy(List.of(file), false, topic))
                .as("%s", out)
                .isZero();

        IngestClient client = new IngestClient(stack.config().ingestUrl());
        String key = stack.demoKeys().get("demo-news");
        // Rules and events reach the job by separate sources: send until the per-event rule has
        // matched one of ours.
        Set<String> opens = new HashSet<>();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> {
                            ObjectNode e = event("app_open", "it-device-" + UUID.randomUUID());
                            e.putObject("properties").put("version", "9.9.9");
                            assertThat(client.nativeBatch(key, List.of(e)).status()).isEqualTo(200);
                            opens.add(e.get("event_id").asText());
                            return matches("it-open-v9").stream()
                                    .anyMatch(
                                            m ->
                                                    opens.contains(
                                                            m.path("event_ids").get(0).asText()));
                        });

        // A signup, then an open by the same device; each round a new device, and the traffic
        // moves event time on, so that the sequence completes (it waits for event time to pass
        // its last event, watermark.out-of-orderness behind the newest record).
        List<List<String>> stories = new ArrayList<>();
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () -> {
                            String device = "it-story-" + UUID.randomUUID();
                            Instant now = Instant.now();
                            ObjectNode signup = event("user_signup", device);
                            signup.put("timestamp", now.minusSeconds(2).toString());
                            ObjectNode open = event("app_open", device);
                            open.put("timestamp", now.minusSeconds(1).toString());
                            for (ObjectNode e : List.of(signup, open)) {
                                e.put("sent_at", now.toString());
                            }
                            assertThat(client.nativeBatch(key, List.of(signup, open)).status())
                                    .isEqualTo(200);
                            stories.add(
                                    List.of(
                                            device,
                                            signup.get("event_id").asText(),
                                            open.get("event_id").asText()));
                            return !matches("it-signup-then-open").isEmpty();
                        });
        for (var m : matches("it-signup-then-open")) {
            String device = m.path("key").asText();
            List<String> story =
                    stories.stream()
                            .filter(st -> st.get(0).equals(device))
                            .findFirst()
                            .orElseThrow();
            assertThat(m.path("event_ids").toString())
                    .isEqualTo("[\"" + story.get(1) + "\",\"" + story.get(2) + "\"]");
            assertThat(m.path("version").asInt()).isEqualTo(1);
        }
        // The job's own counters, as the demo prints them from Flink's metrics (the JobManager
        // fetches them every few seconds, so a first answer may be older than the match).
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () ->
                                assertThat(stack.reactionCounters(Duration.ofSeconds(10)))
                                        .containsEntry("rulesActive", 2L)
                                        .containsEntry("evaluationErrors", 0L)
                                        .hasEntrySatisfying(
                                                "sequenceMatches",
                                                n -> assertThat(n).isPositive()));
        // And Prometheus gets them from the cluster's reporters.
        assertThat(scrapeFlinkMetrics())
                .contains("flink_taskmanager_job_task_operator_sequenceMatches")
                .contains("job_name=\"causality_reaction\"");
    }

    /**
     * Segment's own Node.js libraries, the current {@code @segment/analytics-node} and the older
     * {@code analytics-node}, installed from the npm registry at the versions in {@code
     * src/test/node/segment/package-lock.json} and pointed at the ingest with nothing changed but
     * the host: every call type they send lands in the lake with its type and the event id made
     * from its {@code messageId}.
     */
    @Test
    @Order(3)
    void segmentsOwnLibrariesDeliverEveryCallTypeIntoTheLake() throws Exception {
        Path project = Path.of("target", "segment-libraries").toAbsolutePath();
        Files.createDirectories(project);
        Path sources = Path.of("src", "test", "node", "segment");
        for (String f : List.of("package.json", "package-lock.json", "send.js")) {
            Files.copy(
                    sources.resolve(f),
                    project.resolve(f),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        run(project, List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(5));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = stack.demoKeys().get("demo-news");
        String out =
                run(
                        project,
                        List.of("node", "send.js", stack.config().ingestUrl(), key, run),
                        Duration.ofMinutes(2));
        JsonNode sent = EventJson.mapper().readTree(out.lines().reduce((a, b) -> b).orElse("[]"));
        Map<String, String> ourType =
                Map.of(
                        "identify", "identify",
                        "track", "custom",
                        "screen", "screen_view",
                        "page", "page_view",
                        "group", "group",
                        "alias", "alias");
        Set<List<String>> expected = new HashSet<>();
        sent.forEach(
                m ->
                        expected.add(
                                List.of(
                                        SegmentMapper.eventIdFor(
                                                        "demo-news", m.get("messageId").asText())
                                                .toString(),
                                        ourType.get(m.get("type").asText()),
                                        m.get("userId").asText())));
        assertThat(expected).hasSize(12);
        Set<List<String>> landed = new HashSet<>();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () -> {
                            stack.lakeTable().sync();
                            landed.clear();
                            stack.trino()
                                    .client()
                                    .query(
                                            "SELECT event_id, type, user_id FROM events WHERE"
                                                    + " app_id = 'demo-news' AND user_id LIKE"
                                                    + " 'seg-%-"
                                                    + run
                                                    + "'",
                                            Duration.ofSeconds(60))
                                    .rows()
                                    .forEach(
                                            r ->
                                                    landed.add(
                                                            r.stream()
                                                                    .map(JsonNode::asText)
                                                                    .toList()));
                            return landed.size() >= expected.size();
                        });
        assertThat(landed).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Runs a command in a folder; its output, or a failure that shows it. */
    private static String run(Path dir, List<String> command, Duration timeout) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        boolean done = p.waitFor(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(done && p.exitValue() == 0)
                .as("%s in %s:%n%s", String.join(" ", command), dir, out)
                .isTrue();
        return out;
    }

    /**
     * The unclean stop: after a clean {@code down} and {@code up}, which resumes every job
     * from the savepoint {@code down} took (the savepoints are then older than everything that
     * follows), are then older than everything that follows), traffic, every process of the stack
     * killed with SIGKILL while part of it is still in flight, and {@code up} again. The jobs must
     * resume from their newest checkpoints, not from those older savepoints: every accepted event
     * is in the lake exactly once. Before, {@code up} took the savepoint and wrote everything since
     * again.
     */
    @Test
    @Order(4)
    void afterEveryProcessIsKilledUpResumesWithNothingLostAndNothingDoubled() throws Exception {
        stack.down();
        StackJobs jobs = stack.jobs();
        Map<String, Path> savepoints = new java.util.TreeMap<>();
        for (StackJob job : jobs.all()) {
            savepoints.put(
                    job.label(),
                    jobs.recordedSavepoint(job)
                            .orElseThrow(
                                    () -> new AssertionError("down took no savepoint of " + job)));
        }
        assertThat(savepoints).containsOnlyKeys("warehouse", "reaction", "anomaly", "delivery");
        stack.up();
        for (StackJob job : jobs.all()) {
            String id = jobs.activeId(job).orElseThrow();
            assertThat(stack.flink().restoredFrom(id))
                    .as("%s resumed from the savepoint down took", job.label())
                    .hasValueSatisfying(
                            p ->
                                    assertThat(p)
                                            .endsWith(
                                                    savepoints
                                                            .get(job.label())
                                                            .getFileName()
                                                            .toString()));
        }
        IngestClient client = new IngestClient(stack.config().ingestUrl());
        String key = stack.demoKeys().get("demo-game");
        Path game = stack.lake().resolve("events").resolve("app_id=demo-game");
        Set<String> accepted = new HashSet<>(sendAppOpens(client, key, 600));
        // Part of it committed to the lake; the rest may still be in flight when all dies.
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> !LakeFiles.eventIds(game).isEmpty());
        accepted.addAll(sendAppOpens(client, key, 600));
        killEveryProcess();

        stack.up();
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> LakeFiles.eventIds(game).size() >= accepted.size());
        assertThat(LakeFiles.eventIds(game))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(accepted);
        stack.lakeTable().sync();
        TrinoClient.Result counts =
                stack.trino()
                        .client()
                        .query(
                                "SELECT count(*), count(DISTINCT event_id) FROM events"
                                        + " WHERE app_id = 'demo-game'",
                                Duration.ofSeconds(60));
        assertThat(counts.rows().get(0).stream().map(v -> v.asLong()).toList())
                .containsExactly((long) accepted.size(), (long) accepted.size());
    }

    /**
     * Webhooks on the running stack, through the commands an operator uses. A rule's webhook goes
     * to an endpoint that answers 410: the delivery fails, the endpoint is disabled, and what
     * follows is refused; all of it lands in the deliveries dead-letter topic. The endpoint is
     * registered again at a receiver that verifies every signature, and {@code deliveries replay
     * --from-dlq} sends it all again with the same webhook-ids, attempt numbers going on. Then a
     * new event's webhook reaches the receiver directly; one refused while the endpoint is disabled
     * comes through {@code deliveries recover}.
     */
    @Test
    @Order(5)
    void webhooksFromRulesReachAVerifyingReceiverAndFailedOnesAreReplayedWithTheirIds(
            @TempDir Path dir) throws Exception {
        String app = "demo-shop";
        String name = "it-hook";
        Path file =
                Files.writeString(
                        dir.resolve("hook.rules"),
                        """
                        rule "it-hook" for app "demo-shop" on app_open
                          where $.properties.hook == "yes"
                          then webhook "it-hook" with {"n": $.properties.n} end
                        """);
        var topic = new RuleTopic(stack.kafka().bootstrapServers(), Topics.RULES);
        var out = new java.io.ByteArrayOutputStream();
        var print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(new RulesCommand(print, print).deploy(List.of(file), false, topic))
                .as("%s", out)
                .isZero();

        com.sun.net.httpserver.HttpServer gone =
                com.sun.net.httpserver.HttpServer.create(
                        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        gone.createContext(
                "/",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(410, -1);
                    ex.close();
                });
        gone.start();
        try (var db = stack.dataSource();
                var receiver = new io.causality.stack.demo.DemoReceiver(FreePorts.next());
                var topics =
                        new io.causality.stack.deliveries.DeliveryTopics(
                                stack.kafka().bootstrapServers(),
                                Topics.DELIVERIES_RETRY,
                                Topics.DELIVERIES_DLQ)) {
            var endpoints = stack.endpoints(db);
            var log = new io.causality.webhooks.DeliveryQueries(db);
            var deliveries =
                    new io.causality.stack.deliveries.DeliveriesCommand(
                            log, topics, topics, java.time.Clock.systemUTC(), print, print);
            endpoints.add(
                    app,
                    name,
                    "http://127.0.0.1:" + gone.getAddress().getPort() + "/hook",
                    null,
                    false);

            IngestClient client = new IngestClient(stack.config().ingestUrl());
            String key = stack.demoKeys().get(app);
            int[] n = {0};
            // The rule reaches the job by its own topic: send until a webhook of it is logged,
            // and a little more, so that some come after the endpoint was disabled.
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                sendHook(client, key, ++n[0]);
                                return endpoints
                                                .find(app, name)
                                                .map(e -> !e.enabled())
                                                .orElse(false)
                                        && undelivered(log, app, name).size() >= 2;
                            });
            Set<String> failed = undelivered(log, app, name);
            assertThat(endpoints.find(app, name).orElseThrow().disabledReason()).contains("410");

            // Registered again, at the verifying receiver; replayed from the dead-letter topic.
            // The job sees endpoint changes within seconds, so the replay is repeated until it has
            // (a replay refused before then is a dead letter again, and the next one sends it).
            endpoints.delete(app, name);
            var secret = endpoints.add(app, name, receiver.url(app, name), null, false).secret();
            receiver.expect(app, name, secret);
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3))
                    .until(
                            () -> {
                                assertThat(deliveries.replayFromDlq(app, name)).isZero();
                                return receiver.verified()
                                        .getOrDefault(
                                                io.causality.stack.demo.DemoReceiver.path(
                                                        app, name),
                                                Set.of())
                                        .containsAll(failed);
                            });
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () ->
                                    assertThat(failed)
                                            .allSatisfy(
                                                    id ->
                                                            assertThat(
                                                                            log.find(id)
                                                                                    .orElseThrow()
                                                                                    .status())
                                                                    .isEqualTo("delivered")));
            assertThat(receiver.refused()).as("every request verified").isZero();
            // The first one was attempted (410), then replayed: attempt 2, both in the log.
            String first =
                    failed.stream().filter(id -> attemptsOf(log, id) > 1).findFirst().orElseThrow();
            assertThat(log.attempts(first))
                    .extracting(io.causality.webhooks.DeliveryLog.AttemptRow::statusCode)
                    .startsWith(410)
                    .endsWith(200);

            // Wired through: an event now, its webhook at the receiver.
            int before = delivered(receiver, app, name).size();
            String hooked = sendHook(client, key, ++n[0]);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> delivered(receiver, app, name).size() > before);
            assertThat(receiver.lastBody(app, name)).contains("\"n\":" + n[0]);

            // Why did that endpoint get that webhook: one query over the lake joins the event,
            // the rule's match and the delivery (docs/warehouse.md).
            List<List<String>> why = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () -> {
                                stack.lakeTable().sync();
                                why.clear();
                                stack.trino()
                                        .client()
                                        .query(
                                                "SELECT e.event_id, m.rule, d.endpoint, d.status,"
                                                        + " d.delivery_id FROM deliveries d JOIN"
                                                        + " rule_matches m ON m.match_id ="
                                                        + " d.match_id AND m.app_id = d.app_id"
                                                        + " CROSS JOIN UNNEST(CAST(json_parse("
                                                        + "m.event_ids_json) AS array(varchar)))"
                                                        + " AS t(event_id) JOIN events e ON"
                                                        + " e.event_id = t.event_id AND e.app_id"
                                                        + " = m.app_id WHERE e.event_id = '"
                                                        + hooked
                                                        + "'",
                                                Duration.ofSeconds(60))
                                        .rows()
                                        .forEach(
                                                r ->
                                                        why.add(
                                                                r.stream()
                                                                        .map(JsonNode::asText)
                                                                        .toList()));
                                return !why.isEmpty();
                            });
            assertThat(why).hasSize(1);
            assertThat(why.get(0).subList(0, 4))
                    .containsExactly(hooked, "it-hook", name, "delivered");
            assertThat(delivered(receiver, app, name))
                    .as("the delivery the lake shows is the webhook-id the receiver saw")
                    .contains(why.get(0).get(4));

            // Disabled by the operator meanwhile: refused; enabled again and recovered.
            java.time.Instant mark = java.time.Instant.now();
            endpoints.setEnabled(app, name, false, "maintenance");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                sendHook(client, key, ++n[0]);
                                return log
                                        .list(
                                                new io.causality.webhooks.DeliveryQueries.Filter(
                                                        app, name, "refused", mark, 10))
                                        .stream()
                                        .anyMatch(r -> r.lastError().contains("maintenance"));
                            });
            endpoints.setEnabled(app, name, true, null);
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3))
                    .until(
                            () -> {
                                assertThat(deliveries.recover(app, name, mark.toString())).isZero();
                                return undelivered(log, app, name).isEmpty();
                            });
            assertThat(deliveries.list(app, name, "failed", 10)).isZero();
            assertThat(deliveries.show(first)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("status:       delivered after 2 attempt(s)");
        } finally {
            gone.stop(0);
        }
    }

    /**
     * The operator's commands for the jobs (docs/stack.md): a stop with a savepoint is recorded and
     * a resume starts from it; an upgrade to a jar that cannot run rolls back to the jar that ran,
     * from the same savepoint; an upgrade to the built jar runs it. Events sent between these steps
     * land in the lake, all of them and each once. Then the savepoints are listed by job, cleaned
     * by a policy that keeps the newest of each, and every job is healthy.
     */
    @Test
    @Order(6)
    void jobsStopResumeAndUpgradeThroughSavepointsAndAFailedUpgradeRollsBack(@TempDir Path dir)
            throws Exception {
        StackJobs jobs = stack.jobs();
        StackJobs.StackJob warehouse = jobs.named("warehouse").get(0);
        IngestClient client = new IngestClient(stack.config().ingestUrl());
        String key = stack.demoKeys().get("demo-game");
        Path game = stack.lake().resolve("events").resolve("app_id=demo-game");
        Set<String> accepted = new HashSet<>(sendAppOpens(client, key, 300));

        Path savepoint = jobs.stop(warehouse, jobs.activeId(warehouse).orElseThrow());
        assertThat(jobs.activeId(warehouse)).isEmpty();
        assertThat(jobs.recordedSavepoint(warehouse)).contains(savepoint);
        accepted.addAll(sendAppOpens(client, key, 300)); // into Kafka while the job is stopped
        var resumed = jobs.ensure(warehouse, null, false);
        assertThat(resumed).as("submitted from the savepoint").isPresent();
        jobs.retire(List.of(resumed.get()), Duration.ofSeconds(60));
        assertThat(jobs.recordedSavepoint(warehouse)).as("retired once checkpointed").isEmpty();

        Path broken = dir.resolve("broken.jar");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(broken))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("README"));
            zip.write("no job in here".getBytes(StandardCharsets.UTF_8));
        }
        Path ran = jobs.runningJar(warehouse).orElseThrow();
        String before = jobs.activeId(warehouse).orElseThrow();
        assertThat(jobs.upgrade(warehouse, broken)).as("the broken jar is rolled back").isFalse();
        assertThat(jobs.activeId(warehouse)).isPresent().isNotEqualTo(Optional.of(before));
        assertThat(jobs.runningJar(warehouse)).contains(ran);
        accepted.addAll(sendAppOpens(client, key, 300));

        // A jar of other content (the build's, with one more file): the job moves to it, and a
        // stop and resume keep it there rather than going back to the build's.
        Path changed = dir.resolve("changed.jar");
        Files.copy(jobs.builtJar(), changed);
        try (var zip = java.nio.file.FileSystems.newFileSystem(changed)) {
            Files.writeString(zip.getPath("/upgrade-marker.txt"), "a newer release");
        }
        assertThat(jobs.upgrade(warehouse, changed)).isTrue();
        Path upgraded = jobs.runningJar(warehouse).orElseThrow();
        assertThat(upgraded).isNotEqualTo(ran);
        assertThat(Files.mismatch(upgraded, changed)).as("a copy of the new jar").isEqualTo(-1L);
        accepted.addAll(sendAppOpens(client, key, 300));
        jobs.stop(warehouse, jobs.activeId(warehouse).orElseThrow());
        var again = jobs.ensure(warehouse, null, false);
        assertThat(again).isPresent();
        jobs.retire(List.of(again.get()), Duration.ofSeconds(60));
        assertThat(jobs.runningJar(warehouse)).contains(upgraded);
        accepted.addAll(sendAppOpens(client, key, 300));

        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> LakeFiles.eventIds(game).containsAll(accepted));
        assertThat(LakeFiles.eventIds(game)).doesNotHaveDuplicates().containsAll(accepted);

        var mine = jobs.savepoints().stream().filter(s -> s.job().equals("warehouse")).toList();
        assertThat(mine).as("stop, failed upgrade, upgrade, stop").hasSizeGreaterThanOrEqualTo(4);
        jobs.clean(new SavepointPolicy(1, Duration.ZERO), Instant.now());
        assertThat(jobs.savepoints().stream().filter(s -> s.job().equals("warehouse")))
                .as("the newest stays")
                .containsExactly(mine.get(0));

        // The lag is as of the last checkpoint: the offsets are committed when it completes.
        StringBuilder table = new StringBuilder();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> {
                            var out = new java.io.ByteArrayOutputStream();
                            boolean healthy =
                                    jobs.printHealth(
                                            new java.io.PrintStream(
                                                    out, true, StandardCharsets.UTF_8),
                                            Instant.now());
                            table.setLength(0);
                            table.append(out.toString(StandardCharsets.UTF_8));
                            return healthy
                                    && table.toString()
                                            .lines()
                                            .anyMatch(
                                                    l ->
                                                            l.startsWith("warehouse | RUNNING")
                                                                    && l.contains(
                                                                            "causality.events 0"));
                        });
        System.out.print(table);
    }

    /** Sends an event the hook rule matches; its id. */
    private static String sendHook(IngestClient client, String key, int n) throws Exception {
        ObjectNode e = event("app_open", "hook-" + n);
        e.putObject("properties").put("hook", "yes").put("n", n);
        assertThat(client.nativeBatch(key, List.of(e)).status()).isEqualTo(200);
        return e.get("event_id").asText();
    }

    /** The deliveries of an endpoint that ended failed or refused. */
    private static Set<String> undelivered(
            io.causality.webhooks.DeliveryQueries log, String app, String endpoint)
            throws Exception {
        Set<String> ids = new HashSet<>();
        for (String status : io.causality.webhooks.DeliveryQueries.UNDELIVERED) {
            log.list(
                            new io.causality.webhooks.DeliveryQueries.Filter(
                                    app, endpoint, status, null, 1000))
                    .forEach(r -> ids.add(r.deliveryId()));
        }
        return ids;
    }

    private static int attemptsOf(io.causality.webhooks.DeliveryQueries log, String id) {
        try {
            return log.find(id).orElseThrow().attempts();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> delivered(
            io.causality.stack.demo.DemoReceiver receiver, String app, String endpoint) {
        return receiver.verified()
                .getOrDefault(io.causality.stack.demo.DemoReceiver.path(app, endpoint), Set.of());
    }

    /** Sends app opens in batches of 100; the ids the ingest accepted. */
    private static List<String> sendAppOpens(IngestClient client, String key, int n)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int sent = 0; sent < n; sent += 100) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                events.add(event("app_open", "kill-" + i));
            }
            IngestClient.Answer a = client.nativeBatch(key, events);
            assertThat(a.status()).isEqualTo(200);
            a.body().get("event_ids").forEach(id -> ids.add(id.asText()));
        }
        return ids;
    }

    /**
     * SIGKILL to every process of the stack and every process they started (PostgreSQL's server
     * under its launcher), by the pids the stack recorded: as a crash or a power cut would.
     */
    private static void killEveryProcess() throws Exception {
        List<ProcessHandle> all = new ArrayList<>();
        try (Stream<Path> pids = Files.list(stack.layout().pids())) {
            for (Path f : pids.toList()) {
                long pid = Long.parseLong(Files.readString(f).trim());
                ProcessHandle.of(pid)
                        .ifPresent(
                                h -> {
                                    all.addAll(h.descendants().toList());
                                    all.add(h);
                                });
            }
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(7);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** What the Prometheus reporters of the JobManager and the TaskManager serve. */
    private static String scrapeFlinkMetrics() throws InterruptedException {
        StringBuilder scraped = new StringBuilder();
        var http = java.net.http.HttpClient.newHttpClient();
        for (int port : stack.flink().metricsPortList()) {
            var request =
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .build();
            try {
                scraped.append(
                        http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body());
            } catch (java.net.ConnectException e) {
                // a port of the range that neither reporter took
            } catch (java.io.IOException e) {
                scraped.append("port ").append(port).append(": ").append(e).append('\n');
            }
        }
        return scraped.toString();
    }

    private static ObjectNode event(String type, String device) {
        ObjectNode e = EventJson.mapper().createObjectNode();
        e.put("event_id", UUID.randomUUID().toString())
                .put("type", type)
                .put("anonymous_id", device);
        return e;
    }

    /** The committed matches of a rule so far. */
    private static List<com.fasterxml.jackson.databind.JsonNode> matches(String rule)
            throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts =
                    c.partitionsFor(Topics.RULE_MATCHES).stream()
                            .map(i -> new TopicPartition(i.topic(), i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    var m = EventJson.mapper().readTree(r.value());
                    if (m.path("rule").asText().equals(rule)) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    private static long deadLetters() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(Topics.EVENTS_DLQ, 0);
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }
}
