package io.causality.jobs.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobsMiniCluster;
import io.causality.processes.KafkaBroker;
import io.causality.schemas.EventJson;
import io.causality.testing.TestKafka;
import io.causality.testing.TestPostgres;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SchemaMigrations;
import io.causality.webhooks.SecretBox;
import io.causality.webhooks.WebhookSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery job on a MiniCluster against a real broker, a real PostgreSQL and local HTTP
 * receivers that verify every signature: each way a receiver can answer ends where it should, in
 * the receivers, the delivery log and the dead-letter topic.
 */
class DeliveryJobITCase {
    private static final String ACTIONS = "it.actions";
    private static final String RETRIES = "it.retries";
    private static final String DELIVERIES_DLQ = "it.deliveries-dlq";
    private static final String DELIVERIES = "it.deliveries";
    private static final String DLQ = "it.dlq";
    private static final String EMITTED = "it-emitted";
    private static final String KEY = "a-delivery-secret-key-of-32-characters!";

    @RegisterExtension static final MiniClusterExtension FLINK = JobsMiniCluster.create();

    private static KafkaBroker kafka;
    private static TestPostgres postgres;
    private static EndpointStore endpoints;
    private static Receivers receivers;

    @TempDir static Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka =
                TestKafka.start(
                        List.of(
                                new NewTopic(ACTIONS, 1, (short) 1),
                                new NewTopic(RETRIES, 1, (short) 1),
                                new NewTopic(DELIVERIES_DLQ, 1, (short) 1),
                                new NewTopic(DELIVERIES, 1, (short) 1),
                                new NewTopic(DLQ, 1, (short) 1),
                                new NewTopic(EMITTED, 1, (short) 1)));
        postgres = TestPostgres.start();
        SchemaMigrations.apply(postgres.dataSource());
        endpoints = new EndpointStore(postgres.dataSource(), new SecretBox(KEY));
        receivers = new Receivers();
    }

    @AfterAll
    static void stop() throws Exception {
        receivers.close();
        postgres.close();
        kafka.stop();
    }

    private static WebhookSecret endpoint(String app, String name, String url) throws Exception {
        return endpoints.add(app, name, url, null, false).secret();
    }

    private static String action(String app, String target, String kind) {
        ObjectNode a = EventJson.mapper().createObjectNode();
        String id = UUID.randomUUID().toString().replace("-", "");
        a.put("action_id", id);
        a.put("match_id", "m-" + id);
        a.put("kind", kind);
        a.put("target", target);
        a.put("rule", "it-rule");
        a.put("version", 1);
        a.put("app_id", app);
        a.putArray("event_ids").add("e-" + id);
        a.put("time", "2026-12-03T10:00:00Z");
        a.putObject("payload").put("order", "o-" + id);
        return a.toString();
    }

    private static String id(String action) throws Exception {
        return EventJson.mapper().readTree(action).get("action_id").asText();
    }

    private static void send(List<String> values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                producer.send(
                        new ProducerRecord<>(ACTIONS, null, v.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-read-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            for (int i = 0; i < 6; i++) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** The delivery log's row of a delivery: status, attempts, last error; null when absent. */
    private static Map<String, String> logged(String deliveryId) throws Exception {
        DataSource db = postgres.dataSource();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT status, attempts, coalesce(last_error, ''), (SELECT count(*) FROM"
                                        + " webhook_attempts a WHERE a.delivery_id = d.delivery_id) FROM"
                                        + " webhook_deliveries d WHERE delivery_id = ?")) {
            ps.setString(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, String> row = new HashMap<>();
                row.put("status", rs.getString(1));
                row.put("attempts", rs.getString(2));
                row.put("error", rs.getString(3));
                row.put("attempt_rows", rs.getString(4));
                return row;
            }
        }
    }

    private static JobClient startJob() throws Exception {
        return startJob(false);
    }

    /**
     * @param restarts whether the job restarts from its last checkpoint when a task fails; without,
     *     any failure ends the job and the test with it
     */
    private static JobClient startJob(boolean restarts) throws Exception {
        Path keyFile = dir.resolve("delivery-secret-key");
        Files.writeString(keyFile, KEY);
        Configuration config = new Configuration();
        config.set(DeliveryOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(DeliveryOptions.ACTIONS_TOPIC, ACTIONS);
        config.set(DeliveryOptions.RETRY_TOPIC, RETRIES);
        config.set(DeliveryOptions.DELIVERIES_DLQ_TOPIC, DELIVERIES_DLQ);
        config.set(DeliveryOptions.DELIVERIES_TOPIC, DELIVERIES);
        config.set(DeliveryOptions.DLQ_TOPIC, DLQ);
        config.set(DeliveryOptions.GROUP_ID, "it-delivery-" + UUID.randomUUID());
        config.set(DeliveryOptions.TRANSACTIONAL_ID_PREFIX, "it-" + UUID.randomUUID());
        config.set(DeliveryOptions.DB_URL, postgres.jdbcUrl());
        config.set(DeliveryOptions.SECRET_KEY_FILE, keyFile.toString());
        config.set(DeliveryOptions.ALLOWED_NETWORKS, "127.0.0.1/32");
        config.set(DeliveryOptions.ALLOW_HTTP, true);
        config.set(DeliveryOptions.TIMEOUT, Duration.ofSeconds(1));
        config.set(DeliveryOptions.CAPACITY, 20);
        config.set(DeliveryOptions.BREAKER_FAILURES, 100);
        config.set(DeliveryOptions.ENDPOINT_REFRESH, Duration.ofMillis(300));
        config.set(DeliveryOptions.RETRY_SCHEDULE, "200ms,200ms,200ms,200ms,200ms,200ms,200ms");
        // No restarts unless asked: no answer of a receiver and no action may stop the job.
        Configuration flink = JobEnvironment.configure(new Configuration());
        if (restarts) {
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
            flink.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofMillis(500));
        } else {
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(1);
        env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
        DeliveryJob.production(DeliverySettings.from(config)).build(env);
        return env.executeAsync("delivery-it");
    }

    @Test
    void everyAnswerEndsWhereItShould() throws Exception {
        WebhookSecret healthy = endpoint("shop", "healthy", receivers.url("/healthy"));
        receivers.route("/healthy", healthy, (ex, n) -> Receivers.answer(ex, 200, Map.of()));
        WebhookSecret flaky = endpoint("shop", "flaky", receivers.url("/flaky"));
        receivers.route(
                "/flaky", flaky, (ex, n) -> Receivers.answer(ex, n <= 2 ? 500 : 200, Map.of()));
        WebhookSecret down = endpoint("shop", "down", receivers.url("/down"));
        java.util.concurrent.atomic.AtomicBoolean downIsBack =
                new java.util.concurrent.atomic.AtomicBoolean();
        receivers.route(
                "/down",
                down,
                (ex, n) -> Receivers.answer(ex, downIsBack.get() ? 200 : 503, Map.of()));
        WebhookSecret gone = endpoint("shop", "gone", receivers.url("/gone"));
        receivers.route("/gone", gone, (ex, n) -> Receivers.answer(ex, 410, Map.of()));
        WebhookSecret busy = endpoint("shop", "busy", receivers.url("/busy"));
        receivers.route(
                "/busy",
                busy,
                (ex, n) ->
                        Receivers.answer(
                                ex,
                                n == 1 ? 429 : 200,
                                n == 1 ? Map.of("Retry-After", "1") : Map.of()));
        WebhookSecret slow = endpoint("shop", "slow", receivers.url("/slow"));
        receivers.route(
                "/slow",
                slow,
                (ex, n) -> {
                    if (n <= 2) {
                        try {
                            Thread.sleep(3_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    Receivers.answer(ex, 200, Map.of());
                });
        WebhookSecret redirect = endpoint("shop", "redirect", receivers.url("/redirect"));
        receivers.route(
                "/redirect",
                redirect,
                (ex, n) ->
                        Receivers.answer(ex, 302, Map.of("Location", receivers.url("/elsewhere"))));
        receivers.route("/elsewhere", redirect, (ex, n) -> Receivers.answer(ex, 200, Map.of()));
        endpoint("shop", "private", "http://10.255.255.1/hook");

        String toSlow = action("shop", "slow", "webhook");
        String toHealthy = action("shop", "healthy", "webhook");
        String toFlaky = action("shop", "flaky", "webhook");
        String toDown = action("shop", "down", "webhook");
        String toGone = action("shop", "gone", "webhook");
        String toBusy = action("shop", "busy", "webhook");
        String toRedirect = action("shop", "redirect", "webhook");
        String toPrivate = action("shop", "private", "webhook");
        // Another app's action naming shop's endpoint: tenants never share endpoints.
        String fromNews = action("news", "healthy", "webhook");
        String emitted =
                action("shop", "big-purchases-it", "emit").replace("big-purchases-it", EMITTED);
        String internal = action("shop", "causality.events", "emit");
        // An emit to a topic nobody created must not fail the job (it did, on the local stack).
        String missingTopic = action("shop", "no-such-topic", "emit");

        JobClient job = startJob();
        try {
            send(
                    List.of(
                            toSlow,
                            toHealthy,
                            toFlaky,
                            toDown,
                            toGone,
                            toBusy,
                            toRedirect,
                            toPrivate,
                            fromNews,
                            emitted,
                            internal,
                            missingTopic,
                            "not json"));

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                assertThat(logged(id(toHealthy)))
                                        .containsEntry("status", "delivered");
                                assertThat(logged(id(toFlaky)))
                                        .containsEntry("status", "delivered");
                                assertThat(logged(id(toBusy))).containsEntry("status", "delivered");
                                assertThat(logged(id(toSlow))).containsEntry("status", "delivered");
                                assertThat(logged(id(toDown))).containsEntry("status", "failed");
                                assertThat(logged(id(toRedirect)))
                                        .containsEntry("status", "failed");
                                assertThat(logged(id(toGone))).containsEntry("status", "failed");
                                assertThat(logged(id(toPrivate)))
                                        .containsEntry("status", "refused");
                                assertThat(logged(id(fromNews))).containsEntry("status", "refused");
                            });
            assertThat(job.getJobStatus().get())
                    .as("still running after all of it")
                    .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);

            // The endpoint that was down is back: its dead letter, replayed onto the retry topic
            // as `causality deliveries replay --from-dlq` does, is delivered with the same
            // webhook-id, as its ninth attempt.
            assertThat(receivers.at("/down")).hasSize(8);
            downIsBack.set(true);
            Delivery dead = null;
            for (ConsumerRecord<byte[], byte[]> r : read(DELIVERIES_DLQ)) {
                Delivery d = DeliveryCodec.read(r.value());
                if (d.deliveryId.equals(id(toDown))) {
                    dead = d;
                }
            }
            assertThat(dead).as("the dead letter of the endpoint that was down").isNotNull();
            Delivery again = dead.replayed();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(
                        new ProducerRecord<>(
                                RETRIES,
                                again.lane().getBytes(StandardCharsets.UTF_8),
                                DeliveryCodec.write(again)));
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () ->
                                    assertThat(logged(id(toDown)))
                                            .containsEntry("status", "delivered")
                                            .containsEntry("attempts", "9")
                                            .containsEntry("attempt_rows", "9"));
            // How each delivery ended, on the topic the lake's deliveries table is read from:
            // once per ending (the one that was down failed, and was delivered after its
            // replay). The topic is written in the job's transactions, so an ending becomes
            // readable with the checkpoint after it: wait for it before the job is cancelled.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                Map<String, List<String>> endings = endings();
                                assertThat(endings.get(id(toHealthy))).containsExactly("delivered");
                                assertThat(endings.get(id(toFlaky))).containsExactly("delivered");
                                assertThat(endings.get(id(toDown)))
                                        .containsExactly("failed", "delivered");
                                assertThat(endings.get(id(toGone))).containsExactly("failed");
                                assertThat(endings.get(id(toPrivate))).containsExactly("refused");
                            });
        } finally {
            job.cancel().get();
        }

        // Healthy: once, signed, its webhook-id the action id; not held up by the slow one.
        List<Receivers.Received> h = receivers.at("/healthy");
        assertThat(h).hasSize(1);
        assertThat(h.get(0).verified()).isTrue();
        assertThat(h.get(0).webhookId()).isEqualTo(id(toHealthy));
        JsonNode body = EventJson.mapper().readTree(h.get(0).body());
        assertThat(body.get("type").asText()).isEqualTo("rule.matched");
        assertThat(body.at("/data/payload/order").asText()).isEqualTo("o-" + id(toHealthy));
        long slowStarted = receivers.at("/slow").get(0).atMillis();
        assertThat(h.get(0).atMillis())
                .as("not behind the slow endpoint")
                .isLessThan(slowStarted + 2_500);

        // Flaky: failed twice, then delivered; three attempts, one row each, one delivery row.
        assertThat(receivers.at("/flaky")).hasSize(3).allMatch(Receivers.Received::verified);
        assertThat(receivers.at("/flaky"))
                .extracting(Receivers.Received::webhookId)
                .containsOnly(id(toFlaky));
        assertThat(logged(id(toFlaky)))
                .containsEntry("attempts", "3")
                .containsEntry("attempt_rows", "3");

        // Busy: 429 with Retry-After 1 s, then delivered no sooner.
        List<Receivers.Received> b = receivers.at("/busy");
        assertThat(b).hasSize(2);
        assertThat(b.get(1).atMillis() - b.get(0).atMillis()).isGreaterThanOrEqualTo(1_000);

        // Down: every attempt of the schedule, then the dead-letter topic with all of them; then
        // the replay, signed like the others, with the same webhook-id.
        assertThat(receivers.at("/down")).hasSize(9).allMatch(Receivers.Received::verified);
        assertThat(receivers.at("/down"))
                .extracting(Receivers.Received::webhookId)
                .containsOnly(id(toDown));
        Map<String, JsonNode> dead = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(DELIVERIES_DLQ)) {
            dead.put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    EventJson.mapper().readTree(r.value()));
        }
        assertThat(dead.get(id(toDown)).get("history")).hasSize(8);
        assertThat(dead.get(id(toDown)).get("body").asText()).contains("o-" + id(toDown));

        // A redirect is never followed.
        assertThat(receivers.at("/elsewhere")).isEmpty();
        assertThat(logged(id(toRedirect)).get("error"))
                .contains("302 redirect")
                .contains("not followed");
        assertThat(dead).containsKey(id(toRedirect));

        // 410 disables the endpoint.
        assertThat(receivers.at("/gone")).hasSize(1);
        assertThat(endpoints.find("shop", "gone").orElseThrow().enabled()).isFalse();
        assertThat(endpoints.find("shop", "gone").orElseThrow().disabledReason()).contains("410");
        assertThat(dead).containsKey(id(toGone));

        // Never sent: a private address, another app's endpoint name.
        assertThat(logged(id(toPrivate)).get("error")).contains("10.255.255.1 is private");
        assertThat(logged(id(fromNews)).get("error"))
                .contains("app news has no endpoint named healthy");
        assertThat(dead).containsKeys(id(toPrivate), id(fromNews));

        // emit: on its topic, once; to an internal topic and unreadable: dead letters.
        List<ConsumerRecord<byte[], byte[]>> emits = read(EMITTED);
        assertThat(emits).hasSize(1);
        assertThat(new String(emits.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("shop");
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(DLQ)) {
            reasons.add(
                    new String(
                            r.headers().lastHeader("causality.reason").value(),
                            StandardCharsets.UTF_8));
        }
        assertThat(reasons)
                .hasSize(3)
                .anyMatch(r -> r.contains("causality.* are the pipeline's own"))
                .anyMatch(r -> r.contains("emit topic 'no-such-topic' does not exist"))
                .anyMatch(r -> r.startsWith("not an action"));

        // Nothing ended twice: read again after the job is gone, the endings are the same.
        Map<String, List<String>> endings = endings();
        assertThat(endings.get(id(toDown))).containsExactly("failed", "delivered");
        assertThat(endings.get(id(toHealthy))).containsExactly("delivered");
    }

    /** The statuses each delivery ended with on the deliveries topic, in order. */
    private static Map<String, List<String>> endings() throws java.io.IOException {
        Map<String, List<String>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(DELIVERIES)) {
            JsonNode e = EventJson.mapper().readTree(r.value());
            out.computeIfAbsent(e.get("delivery_id").asText(), k -> new ArrayList<>())
                    .add(e.get("status").asText());
        }
        return out;
    }

    /**
     * The TaskManager goes away while webhooks are in flight, and a new one takes its place: the
     * job resumes from its last checkpoint and every action is delivered at least once, signed,
     * with its own webhook-id; the log has one row per delivery and one per attempt number.
     */
    @Test
    void aTaskManagerLostMidDeliveryLosesNoWebhookAndDoublesNoRow(@InjectMiniCluster MiniCluster mc)
            throws Exception {
        WebhookSecret secret = endpoint("crash", "steady", receivers.url("/steady"));
        receivers.route(
                "/steady",
                secret,
                (ex, n) -> {
                    try {
                        Thread.sleep(200); // keeps requests in flight when the TaskManager goes
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Receivers.answer(ex, 200, Map.of());
                });
        List<String> actions = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            actions.add(action("crash", "steady", "webhook"));
        }
        Set<String> ids = new HashSet<>();
        for (String a : actions) {
            ids.add(id(a));
        }

        JobClient job = startJob(true);
        try {
            send(actions);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> receivers.at("/steady").size() >= 20);
            mc.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            int beforeTheLoss = receivers.at("/steady").size();
            mc.startTaskManager();

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                for (String id : ids) {
                                    assertThat(logged(id))
                                            .as(id)
                                            .isNotNull()
                                            .containsEntry("status", "delivered");
                                }
                            });
            assertThat(beforeTheLoss).as("the loss came mid-delivery").isLessThan(ids.size());
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            // Endings are readable with the checkpoint after them: wait for all before cancel.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> endings().keySet().containsAll(ids));
        } finally {
            job.cancel().get();
        }

        List<Receivers.Received> got = receivers.at("/steady");
        assertThat(got).allMatch(Receivers.Received::verified);
        assertThat(got.stream().map(Receivers.Received::webhookId).collect(Collectors.toSet()))
                .as("every action delivered at least once, and nothing else")
                .isEqualTo(ids);
        DataSource db = postgres.dataSource();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT (SELECT count(*) FROM webhook_deliveries WHERE app_id ="
                                        + " 'crash'), (SELECT count(*) FROM webhook_attempts a"
                                        + " JOIN webhook_deliveries d USING (delivery_id) WHERE"
                                        + " d.app_id = 'crash'), (SELECT sum(attempts) FROM"
                                        + " webhook_deliveries WHERE app_id = 'crash')");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).as("one row per delivery").isEqualTo(ids.size());
            assertThat(rs.getLong(2)).as("one row per attempt").isEqualTo(rs.getLong(3));
        }
        Map<String, List<String>> endings = endings();
        assertThat(endings.keySet()).containsAll(ids);
        for (String id : ids) {
            assertThat(endings.get(id))
                    .as("one ending, though the TaskManager was lost mid-delivery")
                    .containsExactly("delivered");
        }
        System.out.printf(
                "TaskManager lost mid-delivery: %d actions, %d requests received (%d again after"
                        + " the restart, with the same webhook-id)%n",
                ids.size(), got.size(), got.size() - ids.size());
    }
}
