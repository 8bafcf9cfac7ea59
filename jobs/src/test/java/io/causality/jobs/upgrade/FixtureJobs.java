package io.causality.jobs.upgrade;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.jobs.anomaly.AnomalyJob;
import io.causality.jobs.anomaly.AnomalyOptions;
import io.causality.jobs.anomaly.AnomalySettings;
import io.causality.jobs.common.CommonOptions;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.delivery.DeliveryJob;
import io.causality.jobs.delivery.DeliveryOptions;
import io.causality.jobs.delivery.DeliverySettings;
import io.causality.jobs.reaction.ReactionJob;
import io.causality.jobs.reaction.ReactionOptions;
import io.causality.jobs.reaction.ReactionSettings;
import io.causality.jobs.warehouse.WarehouseJob;
import io.causality.jobs.warehouse.WarehouseOptions;
import io.causality.jobs.warehouse.WarehouseSettings;
import io.causality.processes.KafkaBroker;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.rules.parse.RuleSyntaxException;
import io.causality.rules.topic.RuleTopic;
import io.causality.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The four jobs as the savepoint fixtures of every job run them (written by {@link
 * SavepointFixtureWriter}, restored by {@code SavepointRescaleITCase}): their topics, their
 * settings, and what each has seen when its savepoint is taken.
 *
 * <ul>
 *   <li>warehouse: two apps, the same event id in both, a retry, a record that is not JSON;
 *   <li>reaction: a per-event match and a sequence in progress (u1 signed up in demo-news);
 *   <li>anomaly: four of a window's purchases in anomaly-shop, the window still open;
 *   <li>delivery: two webhooks whose first attempt failed, held for their retry.
 * </ul>
 *
 * Every topic has two partitions, so a job at parallelism 2 reads one per subtask.
 */
final class FixtureJobs {
    static final String EVENTS = "fx.events";
    static final String RULES = "fx.rules";
    static final String DETECTORS = "fx.detectors";
    static final String DLQ = "fx.dlq";
    static final String MATCHES = "fx.matches";
    static final String ACTIONS = "fx.actions";
    static final String STATUS = "fx.status";
    static final String ANOMALIES = "fx.anomalies";
    static final String ANOMALY_ACTIONS = "fx.anomaly-actions";
    static final String WEBHOOKS = "fx.webhooks";
    static final String RETRIES = "fx.retries";
    static final String DELIVERIES_DLQ = "fx.deliveries-dlq";
    static final String DELIVERIES = "fx.deliveries";

    /** The topics the jobs read: dumped beside the savepoints and replayed before a restore. */
    static final List<String> INPUTS = List.of(EVENTS, RULES, DETECTORS, WEBHOOKS, RETRIES);

    /** Written in one transaction each (by RuleTopic), and so replayed. */
    static final List<String> TRANSACTIONAL_INPUTS = List.of(RULES, DETECTORS);

    static final List<String> JOBS = List.of("warehouse", "reaction", "anomaly", "delivery");

    static final String SECRET_KEY = "a-fixture-delivery-key-of-32-characters!";

    /** The app of the anomaly scenario, and the start of its window. */
    static final String ANOMALY_APP = "anomaly-shop";

    static final Instant WINDOW = Instant.parse("2026-12-01T11:00:00Z");

    /** The endpoints of the delivery scenario, in app {@code fx-shop}. */
    static final List<String> ENDPOINTS = List.of("hook-a", "hook-b");

    private FixtureJobs() {}

    /**
     * Two partitions each; nothing ever expires by age (the fixtures' records are from the day they
     * were written, and a broker deletes what is older than its retention).
     */
    static List<NewTopic> topics() {
        List<NewTopic> out = new ArrayList<>();
        for (String t :
                List.of(
                        EVENTS,
                        RULES,
                        DETECTORS,
                        DLQ,
                        MATCHES,
                        ACTIONS,
                        STATUS,
                        ANOMALIES,
                        ANOMALY_ACTIONS,
                        WEBHOOKS,
                        RETRIES,
                        DELIVERIES_DLQ,
                        DELIVERIES)) {
            Map<String, String> configs =
                    t.equals(RULES) || t.equals(DETECTORS)
                            ? Map.of("cleanup.policy", "compact", "retention.ms", "-1")
                            : Map.of("retention.ms", "-1");
            out.add(new NewTopic(t, 2, (short) 1).configs(configs));
        }
        return out;
    }

    /**
     * The job's environment: exactly once, short checkpoints, no restarts (a failure ends the job
     * and the test says so), and every state of a savepoint taken up.
     */
    static StreamExecutionEnvironment env(int parallelism, Path savepoint) {
        Configuration flink = JobEnvironment.configure(new Configuration());
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    /** Settings every job shares: the broker, the dead letters, ids kept for years. */
    private static Configuration common(KafkaBroker kafka, String group) {
        Configuration c = new Configuration();
        c.set(CommonOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(CommonOptions.EVENTS_TOPIC, EVENTS);
        c.set(CommonOptions.DLQ_TOPIC, DLQ);
        // The fixtures' ids must still be known when they are restored, months later.
        c.set(CommonOptions.DEDUP_TTL, Duration.ofDays(3650));
        c.set(CommonOptions.groupId(group), "fx-" + group);
        return c;
    }

    static void warehouse(StreamExecutionEnvironment env, KafkaBroker kafka, Path lake) {
        Configuration c = common(kafka, "causality-warehouse");
        c.set(WarehouseOptions.COMPACTION_CHECKPOINTS, 1);
        c.set(WarehouseOptions.MATCHES_TOPIC, MATCHES);
        c.set(WarehouseOptions.ANOMALIES_TOPIC, ANOMALIES);
        c.set(WarehouseOptions.DELIVERIES_TOPIC, DELIVERIES);
        WarehouseJob.production(WarehouseSettings.forLake(lake.toUri().toString(), c)).build(env);
    }

    static void reaction(StreamExecutionEnvironment env, KafkaBroker kafka) {
        Configuration c = common(kafka, "causality-reaction");
        c.set(ReactionOptions.RULES_TOPIC, RULES);
        c.set(ReactionOptions.MATCHES_TOPIC, MATCHES);
        c.set(ReactionOptions.ACTIONS_TOPIC, ACTIONS);
        c.set(ReactionOptions.RULE_STATUS_TOPIC, STATUS);
        c.set(ReactionOptions.TRANSACTIONAL_ID_PREFIX, "fx-reaction-" + UUID.randomUUID());
        c.set(ReactionOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        c.set(ReactionOptions.IDLENESS, Duration.ofMinutes(5));
        ReactionJob.production(ReactionSettings.from(c)).build(env);
    }

    static void anomaly(StreamExecutionEnvironment env, KafkaBroker kafka) {
        Configuration c = common(kafka, "causality-anomaly");
        c.set(AnomalyOptions.RULES_TOPIC, DETECTORS);
        c.set(AnomalyOptions.ANOMALIES_TOPIC, ANOMALIES);
        c.set(AnomalyOptions.ACTIONS_TOPIC, ANOMALY_ACTIONS);
        c.set(AnomalyOptions.TRANSACTIONAL_ID_PREFIX, "fx-anomaly-" + UUID.randomUUID());
        c.set(AnomalyOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        c.set(AnomalyOptions.IDLENESS, Duration.ofMinutes(5));
        AnomalyJob.production(AnomalySettings.from(c)).build(env);
    }

    static void delivery(
            StreamExecutionEnvironment env, KafkaBroker kafka, String jdbcUrl, Path keyFile) {
        Configuration c = common(kafka, "causality-delivery");
        c.set(DeliveryOptions.ACTIONS_TOPIC, WEBHOOKS);
        c.set(DeliveryOptions.RETRY_TOPIC, RETRIES);
        c.set(DeliveryOptions.DELIVERIES_DLQ_TOPIC, DELIVERIES_DLQ);
        c.set(DeliveryOptions.DELIVERIES_TOPIC, DELIVERIES);
        c.set(DeliveryOptions.TRANSACTIONAL_ID_PREFIX, "fx-delivery-" + UUID.randomUUID());
        c.set(DeliveryOptions.DB_URL, jdbcUrl);
        c.set(DeliveryOptions.SECRET_KEY_FILE, keyFile.toString());
        c.set(DeliveryOptions.ALLOWED_NETWORKS, "127.0.0.1/32");
        c.set(DeliveryOptions.ALLOW_HTTP, true);
        c.set(DeliveryOptions.TIMEOUT, Duration.ofSeconds(2));
        c.set(DeliveryOptions.ENDPOINT_REFRESH, Duration.ofMillis(300));
        // The first attempt fails while the fixture is written, and the savepoint is taken
        // before the second is due, half a minute later: long past when the fixture is restored.
        c.set(DeliveryOptions.RETRY_SCHEDULE, "30s,30s");
        DeliveryJob.production(DeliverySettings.from(c)).build(env);
    }

    /** Starts the named job on the environment. */
    static void build(
            String job,
            StreamExecutionEnvironment env,
            KafkaBroker kafka,
            Path lake,
            String jdbcUrl,
            Path keyFile) {
        switch (job) {
            case "warehouse" -> warehouse(env, kafka, lake);
            case "reaction" -> reaction(env, kafka);
            case "anomaly" -> anomaly(env, kafka);
            case "delivery" -> delivery(env, kafka, jdbcUrl, keyFile);
            default -> throw new IllegalArgumentException(job);
        }
    }

    // ---- what the jobs have seen when the savepoints are taken ----

    /**
     * The events: those of the first fixture (two apps, a shared id, a retry, not JSON, a big
     * purchase, u1's signup, a probe), then four purchases of the anomaly window and an event that
     * moves event time past its first second, in both partitions.
     */
    static List<String> events() {
        List<String> out = new ArrayList<>(SavepointFixtureWriter.events());
        for (int i = 1; i <= 4; i++) {
            out.add(
                    SavepointFixtureWriter.purchase(
                            "fx-window-" + i, ANOMALY_APP, "w", WINDOW.plusMillis(100L * i), i));
        }
        out.add(open("fx-tick-0", "ticks", WINDOW.plusSeconds(3)));
        out.add(open("fx-tick-1", "ticks", WINDOW.plusSeconds(3)));
        return out;
    }

    static String open(String name, String app, Instant at) {
        return "{\"event_id\":\""
                + SavepointFixtureWriter.id(name)
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"app_open\",\"anonymous_id\":\"t\",\"timestamp\":\""
                + at
                + "\",\"properties\":{}}";
    }

    static List<DeployedRule> detectors() throws Exception {
        String text =
                "detector \"busy\" for app \""
                        + ANOMALY_APP
                        + "\" measure count of purchase_complete window 1m"
                        + " alert when above 5 then emit \"t\" end\n"
                        + "detector \"seen\" for app \""
                        + ANOMALY_APP
                        + "\" measure count of purchase_complete window 1s"
                        + " alert when above 0 then emit \"t\" end\n";
        return deployed("fixture.detectors", text);
    }

    /** The rules or detectors of a text as deployed at version 1, at a fixed time. */
    static List<DeployedRule> deployed(String source, String text) throws RuleSyntaxException {
        List<DeployedRule> out = new ArrayList<>();
        for (var r : Parser.parse(source, text).rules()) {
            out.add(new DeployedRule(r, 1, Instant.parse("2026-12-01T09:00:00Z"), "fixture"));
        }
        return out;
    }

    /** A webhook action of app fx-shop to the endpoint, with a fixed id. */
    static String webhook(String endpoint) {
        ObjectNode a = EventJson.mapper().createObjectNode();
        String id = SavepointFixtureWriter.id("fx-action-" + endpoint).replace("-", "");
        a.put("action_id", id);
        a.put("match_id", "m-" + id);
        a.put("kind", "webhook");
        a.put("target", endpoint);
        a.put("rule", "fixture-rule");
        a.put("version", 1);
        a.put("app_id", "fx-shop");
        a.putArray("event_ids").add("e-" + id);
        a.put("time", "2026-12-01T10:00:00Z");
        a.putObject("payload").put("order", "o-" + endpoint);
        return a.toString();
    }

    /** Everything the jobs read, as they read it when the fixtures were written. */
    static void sendInputs(KafkaBroker kafka) throws Exception {
        List<String> events = events();
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            for (int i = 0; i < events.size(); i++) {
                String e = events.get(i);
                producer.send(
                        new ProducerRecord<>(
                                EVENTS,
                                i % 2,
                                SavepointFixtureWriter.recordTime(e),
                                null,
                                e.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < ENDPOINTS.size(); i++) {
                producer.send(
                        new ProducerRecord<>(
                                WEBHOOKS,
                                i % 2,
                                null,
                                webhook(ENDPOINTS.get(i)).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        new RuleTopic(kafka.bootstrapServers(), RULES)
                .publish(SavepointFixtureWriter.rules(), List.of());
        new RuleTopic(kafka.bootstrapServers(), DETECTORS).publish(detectors(), List.of());
    }

    /** Sends the events, each to the partition given, with its own time as the record's. */
    static void send(KafkaBroker kafka, int partition, List<String> events) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            for (String e : events) {
                producer.send(
                        new ProducerRecord<>(
                                EVENTS,
                                partition,
                                SavepointFixtureWriter.recordTime(e),
                                null,
                                e.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The key file the delivery job reads its sealing key from. */
    static Path keyFile(Path dir) throws Exception {
        Path f = dir.resolve("delivery-secret-key");
        Files.createDirectories(dir);
        Files.writeString(f, SECRET_KEY);
        return f;
    }
}
