package io.causality.jobs.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobsMiniCluster;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RawRecordDeserializer;
import io.causality.processes.KafkaBroker;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.rules.topic.RuleTopic;
import io.causality.testing.TestKafka;
import io.causality.testing.TopicRead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AnomalyJob on a MiniCluster with a real broker: detectors deployed while it runs find the
 * anomaly generated traffic holds, not the same traffic without it, and a seasonal detector stays
 * quiet over busy days and quiet nights; anomalies and their actions arrive through the
 * transactional sinks.
 */
class AnomalyJobITCase {
    private static final String EVENTS = "it.events";
    private static final String RULES = "it.rules";
    private static final String ANOMALIES = "it.anomalies";
    private static final String ACTIONS = "it.actions";
    private static final String DLQ = "it.dlq";
    private static final Instant DEPLOYED = Instant.parse("2026-12-01T00:00:00Z");

    @RegisterExtension static final MiniClusterExtension FLINK = JobsMiniCluster.create();

    private static KafkaBroker kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka =
                TestKafka.start(
                        List.of(
                                new NewTopic(EVENTS, 1, (short) 1),
                                new NewTopic(RULES, 1, (short) 1)
                                        .configs(Map.of("cleanup.policy", "compact")),
                                new NewTopic(ANOMALIES, 1, (short) 1),
                                new NewTopic(ACTIONS, 1, (short) 1),
                                new NewTopic(DLQ, 1, (short) 1),
                                new NewTopic("sp.events", 1, (short) 1),
                                new NewTopic("sp.rules", 1, (short) 1)
                                        .configs(Map.of("cleanup.policy", "compact")),
                                new NewTopic("sp.anomalies", 1, (short) 1),
                                new NewTopic("sp.actions", 1, (short) 1),
                                new NewTopic("sp.dlq", 1, (short) 1)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stopKafka() throws IOException {
        producer.close();
        kafka.stop();
    }

    private static DeployedRule detector(String text) throws Exception {
        return new DeployedRule(Parser.parse("it", text).rules().get(0), 1, DEPLOYED, "it:1");
    }

    /** An event whose Kafka record time is its own time: what moves the job's event time. */
    private static void send(String app, String type, Instant at) {
        send(EVENTS, app, type, at);
    }

    private static void send(String topic, String app, String type, Instant at) {
        String json =
                "{\"event_id\":\""
                        + UUID.randomUUID()
                        + "\",\"app_id\":\""
                        + app
                        + "\",\"type\":\""
                        + type
                        + "\",\"anonymous_id\":\"d\",\"timestamp\":\""
                        + at
                        + "\",\"properties\":{}}";
        producer.send(
                new ProducerRecord<>(
                        topic,
                        null,
                        at.toEpochMilli(),
                        null,
                        json.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<JsonNode> read(String topic) {
        return TopicRead.json(kafka.bootstrapServers(), topic);
    }

    private static List<JsonNode> anomaliesOf(String app) {
        return anomaliesOf(ANOMALIES, app);
    }

    private static List<JsonNode> anomaliesOf(String topic, String app) {
        return read(topic).stream().filter(a -> a.path("app_id").asText().equals(app)).toList();
    }

    private static JobClient start() throws Exception {
        return start("it", null);
    }

    /** The job on the topics named {@code prefix.events} and so on, from a savepoint or not. */
    private static JobClient start(String prefix, String savepoint) throws Exception {
        Configuration config = new Configuration();
        config.set(
                io.causality.jobs.common.CommonOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(io.causality.jobs.common.CommonOptions.EVENTS_TOPIC, prefix + ".events");
        config.set(io.causality.jobs.common.CommonOptions.DLQ_TOPIC, prefix + ".dlq");
        config.set(AnomalyOptions.RULES_TOPIC, prefix + ".rules");
        config.set(AnomalyOptions.ANOMALIES_TOPIC, prefix + ".anomalies");
        config.set(AnomalyOptions.ACTIONS_TOPIC, prefix + ".actions");
        config.set(AnomalyOptions.GROUP_ID, prefix + "-anomaly");
        config.set(AnomalyOptions.TRANSACTIONAL_ID_PREFIX, "it-" + UUID.randomUUID());
        config.set(AnomalyOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        // Generated traffic is days old: event time must follow it, never the wall clock.
        config.set(AnomalyOptions.IDLENESS, Duration.ofMinutes(10));
        Configuration env = JobEnvironment.configure(config);
        if (savepoint != null) {
            env.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment e = StreamExecutionEnvironment.getExecutionEnvironment(env);
        e.setParallelism(1);
        e.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(prefix + ".events")
                        .setGroupId(prefix + "-anomaly")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
                        .build();
        AnomalyJob.withEvents(AnomalySettings.from(env), source).build(e);
        return e.executeAsync("anomaly-it");
    }

    @Test
    void detectorsDeployedLiveFindTheAnomalyAndOnlyIt() throws Exception {
        JobClient job = start();
        try {
            RuleTopic rules = new RuleTopic(kafka.bootstrapServers(), RULES);
            rules.publish(
                    List.of(
                            detector(
                                    "detector \"probe\" for app \"probe\" measure count of any"
                                            + " window 1m alert when above 0 then emit \"probes\" end"),
                            detector(
                                    "detector \"purchases-dropped\" measure count of purchase_complete"
                                            + " window 1m alert when below 3 for 2m"
                                            + " then webhook \"oncall\" with {\"n\": @value, \"state\": @state} end"),
                            detector(
                                    "detector \"opens-unusual\" for app \"seasonal\" measure count of"
                                            + " app_open window 1h alert when deviates by 4 mad over 4"
                                            + " windows seasonal daily min history 2 then emit \"t\" end")),
                    List.of());
            // The job has the detectors once the probe's first window fires.
            Instant probe = Instant.parse("2026-11-25T23:00:00Z");
            int[] sent = {0};
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                send("probe", "app_open", probe.plusSeconds(61L * sent[0]++));
                                producer.flush();
                                return !anomaliesOf("probe").isEmpty();
                            });

            // Five days of busy days and quiet nights for the seasonal detector.
            Instant day0 = Instant.parse("2026-11-26T00:00:00Z");
            for (int day = 0; day < 5; day++) {
                for (int h = 0; h < 24; h++) {
                    int n = h >= 8 && h < 20 ? 30 + (day * 7 + h) % 4 : 2 + (day + h) % 2;
                    for (int i = 0; i < n; i++) {
                        send(
                                "seasonal",
                                "app_open",
                                day0.plusSeconds((day * 24L + h) * 3600 + i * (3600L / (n + 1))));
                    }
                }
            }
            // Then half an hour of purchases, 10 a minute, in two apps; in "dropped" none from
            // minute 10 to 14. App opens every 10 s in both keep event time moving.
            Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
            for (int s = 0; s < 30 * 60; s += 6) {
                Instant at = t0.plusSeconds(s);
                int minute = s / 60;
                send("normal", "purchase_complete", at);
                if (minute < 10 || minute >= 15) {
                    send("dropped", "purchase_complete", at);
                }
                if (s % 10 == 0) {
                    send("normal", "app_open", at);
                    send("dropped", "app_open", at);
                }
            }
            // Closes the windows up to 10:30; later ones would rightly find the purchases gone.
            send("flush", "app_open", t0.plus(Duration.ofMinutes(30)).plusSeconds(30));
            producer.flush();

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () ->
                                    anomaliesOf("dropped").stream()
                                            .anyMatch(
                                                    a ->
                                                            a.path("state")
                                                                    .asText()
                                                                    .equals("resolved")));
            List<JsonNode> dropped = anomaliesOf("dropped");
            // No purchases in minutes 10-14: the windows ending 10:11 .. 10:15 are below 3;
            // pending at 10:11, firing after 2 minutes at 10:13, resolved at 10:16.
            assertThat(dropped)
                    .extracting(a -> a.path("state").asText() + "@" + a.path("window_end").asText())
                    .containsExactly(
                            "pending@2026-12-01T10:11:00Z",
                            "firing@2026-12-01T10:13:00Z",
                            "resolved@2026-12-01T10:16:00Z");
            assertThat(dropped.get(1).path("anomaly_id"))
                    .isEqualTo(dropped.get(2).path("anomaly_id"));
            assertThat(anomaliesOf("normal")).isEmpty();
            // The seasonal detector: quiet over five days of busy days and quiet nights (the
            // nights of day six, empty, are within what nights do); its traffic ended with day
            // five, and the first busy hour of day six that stays empty is an anomaly.
            assertThat(anomaliesOf("seasonal"))
                    .extracting(a -> a.path("state").asText() + "@" + a.path("window_end").asText())
                    .containsExactly("firing@2026-12-01T09:00:00Z");

            List<JsonNode> webhooks =
                    read(ACTIONS).stream()
                            .filter(a -> a.path("target").asText().equals("oncall"))
                            .toList();
            assertThat(webhooks)
                    .extracting(
                            a ->
                                    a.path("app_id").asText()
                                            + " "
                                            + a.path("webhook_type").asText()
                                            + " "
                                            + a.path("payload").path("n").asDouble())
                    .containsExactly("dropped anomaly.firing 0.0", "dropped anomaly.resolved 10.0");
            assertThat(read(DLQ)).isEmpty();
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Half a window counted when the job stops with a savepoint: after the resume the other half
     * adds to it, so the window fires with the count of both halves, once: nothing lost (it would
     * be the second half alone and stay quiet) and nothing doubled.
     */
    @Test
    void windowsSurviveStopWithSavepointAndResume(@TempDir Path savepoints) throws Exception {
        String events = "sp.events";
        String anomalies = "sp.anomalies";
        // Recent times: the broker keeps records for days, and refuses times far ahead.
        Instant t0 = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
        JobClient first = start("sp", null);
        String savepoint;
        try {
            new RuleTopic(kafka.bootstrapServers(), "sp.rules")
                    .publish(
                            List.of(
                                    detector(
                                            "detector \"busy\" for app \"shop\" measure count of"
                                                    + " purchase_complete window 1m alert when above 5"
                                                    + " then emit \"t\" end"),
                                    detector(
                                            "detector \"seen\" measure count of purchase_complete"
                                                    + " window 1s alert when above 0"
                                                    + " then emit \"t\" end")),
                            List.of());
            // The detectors are in once "seen" finds a warm-up purchase.
            int[] sent = {0};
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                send(
                                        events,
                                        "warm",
                                        "purchase_complete",
                                        t0.minus(Duration.ofMinutes(10))
                                                .plusSeconds(2L * sent[0]++));
                                producer.flush();
                                return !anomaliesOf(anomalies, "warm").isEmpty();
                            });
            for (int i = 1; i <= 4; i++) {
                send(events, "shop", "purchase_complete", t0.plusMillis(100L * i));
            }
            // Moves event time past the shop's first second: "seen" judging it shows the four
            // purchases before it were counted, so they are in the savepoint's state.
            send(events, "warm", "app_open", t0.plusSeconds(3));
            producer.flush();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !anomaliesOf(anomalies, "shop").isEmpty());
            savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            first.cancel();
            throw e;
        }
        assertThat(busy(anomalies)).isEmpty();

        JobClient second = start("sp", savepoint);
        try {
            for (int i = 1; i <= 3; i++) {
                send(events, "shop", "purchase_complete", t0.plusSeconds(10L * i));
            }
            // Closes the window [t0, t0 + 1m) and no later one.
            send(events, "warm", "app_open", t0.plusSeconds(90));
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> !busy(anomalies).isEmpty());
            List<JsonNode> busy = busy(anomalies);
            assertThat(busy)
                    .extracting(
                            a ->
                                    a.path("state").asText()
                                            + " "
                                            + a.path("value").asDouble()
                                            + " "
                                            + a.path("window_end").asText())
                    .containsExactly("firing 7.0 " + t0.plus(Duration.ofMinutes(1)));
            assertThat(read("sp.dlq")).isEmpty();
        } finally {
            second.cancel().get();
        }
    }

    private static List<JsonNode> busy(String anomalies) {
        return anomaliesOf(anomalies, "shop").stream()
                .filter(a -> a.path("detector").asText().equals("busy"))
                .toList();
    }
}
