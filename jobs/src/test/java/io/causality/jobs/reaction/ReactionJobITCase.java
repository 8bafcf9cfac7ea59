package io.causality.jobs.reaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobsMiniCluster;
import io.causality.jobs.common.RawRecordDeserializer;
import io.causality.processes.KafkaBroker;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.rules.topic.RuleTopic;
import io.causality.schemas.EventJson;
import io.causality.testing.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules change in the running job, against a real broker: a rule deployed while the job runs starts
 * matching, its matches and actions arrive exactly once through the transactional sinks, and after
 * it is deleted the same events no longer match.
 */
class ReactionJobITCase {
    private static final String EVENTS = "it.events";
    private static final String RULES = "it.rules";
    private static final String MATCHES = "it.matches";
    private static final String ACTIONS = "it.actions";
    private static final String DLQ = "it.dlq";
    private static final String STATUS = "it.status";
    private static final Instant DEPLOYED = Instant.parse("2026-11-22T12:00:00Z");

    @RegisterExtension static final MiniClusterExtension FLINK = JobsMiniCluster.create();

    private static KafkaBroker kafka;
    private static RuleTopic rules;

    @BeforeAll
    static void startKafka() throws Exception {
        // One partition of events and one evaluator: events are evaluated in the order sent.
        kafka =
                TestKafka.start(
                        List.of(
                                new NewTopic(EVENTS, 1, (short) 1),
                                new NewTopic(RULES, 1, (short) 1)
                                        .configs(Map.of("cleanup.policy", "compact")),
                                new NewTopic(MATCHES, 1, (short) 1),
                                new NewTopic(ACTIONS, 1, (short) 1),
                                new NewTopic(DLQ, 1, (short) 1),
                                new NewTopic(STATUS, 1, (short) 1)));
        rules = new RuleTopic(kafka.bootstrapServers(), RULES);
    }

    @AfterAll
    static void stopKafka() throws IOException {
        kafka.stop();
    }

    private static DeployedRule rule(String text, int version) throws Exception {
        return new DeployedRule(Parser.parse("it", text).rules().get(0), version, DEPLOYED, "it:1");
    }

    private static final String BIG =
            "rule \"big\" on purchase_complete where $.properties.total >= 500"
                    + " then webhook \"sales\" with {\"order\": $.properties.order_id} end";

    /** A rule on another type, to see when the job has applied a deploy. */
    private static String probe(int threshold) {
        return "rule \"probe\" on app_open where $.properties.n >= "
                + threshold
                + " then emit \"probes\" end";
    }

    @Test
    void aRuleDeployedWhileTheJobRunsMatchesAndStopsMatchingWhenDeleted() throws Exception {
        Configuration config = new Configuration();
        config.set(ReactionOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(ReactionOptions.RULES_TOPIC, RULES);
        config.set(ReactionOptions.MATCHES_TOPIC, MATCHES);
        config.set(ReactionOptions.ACTIONS_TOPIC, ACTIONS);
        config.set(ReactionOptions.DLQ_TOPIC, DLQ);
        config.set(ReactionOptions.RULE_STATUS_TOPIC, STATUS);
        config.set(ReactionOptions.TRANSACTIONAL_ID_PREFIX, "it-" + UUID.randomUUID());
        config.set(ReactionOptions.EVENTS_TOPIC, EVENTS);
        config.set(ReactionOptions.GROUP_ID, "it-reaction");
        JobClient job = start(config, null);
        try {
            // Before the rule: a big purchase matches nothing. The probe's match shows the job
            // has read past it (one partition, one evaluator: events are handled in order).
            rules.publish(List.of(rule(probe(1), 1)), List.of());
            send(purchase("before", 900));
            awaitProbe(() -> send(appOpen("probe-" + UUID.randomUUID(), 5)), EVENTS_MATCHES_PROBE);

            rules.publish(List.of(rule(BIG, 1)), List.of());
            // Purchases keep coming until the deployed rule has matched one of them.
            List<String> sent = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(
                            () -> {
                                String id = "p-" + sent.size();
                                sent.add(id);
                                send(purchase(id, 900));
                                send(purchase(id, 900)); // a client's retry: counted once
                                return matched("big").size() > 0;
                            });
            send(purchase("small", 10));
            String probe1 = "probe-1";
            send(appOpen(probe1, 5));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> matchedIds("probe").contains(probe1));
            List<String> bigMatches = matchedIds("big");
            assertThat(bigMatches).doesNotContain("before", "small").doesNotHaveDuplicates();
            // Once the rule ran, every later purchase matched, each exactly once.
            assertThat(sent).endsWith(bigMatches.toArray(String[]::new));
            assertThat(actions().stream().filter(a -> a.path("rule").asText().equals("big")))
                    .extracting(a -> a.path("payload").path("order").asText())
                    .containsExactlyElementsOf(bigMatches.stream().map(id -> "o-" + id).toList());

            // Delete the rule and change the probe in one deploy; a probe match of v2 shows the
            // job has applied it, and purchases sent after that no longer match.
            rules.publish(List.of(rule(probe(2), 2)), List.of("big"));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(
                            () -> {
                                send(appOpen("probe-" + UUID.randomUUID(), 5));
                                return matched("probe").stream()
                                        .anyMatch(m -> m.path("version").asInt() == 2);
                            });
            int before = matched("big").size();
            for (int i = 0; i < 20; i++) {
                send(purchase("after-" + i, 900));
            }
            String last = "probe-last";
            send(appOpen(last, 5));
            await().atMost(Duration.ofSeconds(30)).until(() -> matchedIds("probe").contains(last));
            assertThat(matched("big")).hasSize(before);
        } finally {
            cancel(job);
        }
    }

    /**
     * A sequence half-way through when the job stops with a savepoint: the first event is in the
     * matcher's state (a later per-event match shows it was read), the job resumes from the
     * savepoint, and the second event completes the match.
     */
    @Test
    void aSequenceSurvivesStopWithSavepointAndCompletesAfterResume(@TempDir Path savepoints)
            throws Exception {
        String events = "it2.events";
        String matchesTopic = "it2.matches";
        Configuration config = convertSetup("it2");

        // Recent times: brokers refuse record times more than an hour ahead of their clock.
        Instant t0 =
                Instant.now()
                        .minus(Duration.ofMinutes(30))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JobClient first = start(config, null);
        // Rules and events arrive by separate sources: wait until the rules are in effect, then
        // begin the sequence, then see a later event evaluated (so the signup was too).
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            sendAt(events, appOpen("warm-" + UUID.randomUUID(), 5), t0);
                            return !ids(matchesTopic, "probe").isEmpty();
                        });
        sendAt(events, signup("s1", "u1", t0), t0);
        sendAt(events, appOpen("probe-after-signup", 5), t0.plusSeconds(1));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ids(matchesTopic, "probe").contains("probe-after-signup"));
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        assertThat(ids(matchesTopic, "convert")).isEmpty();

        // Resumed: the purchase completes the sequence begun before the stop; a later event
        // moves event time past it so the matcher processes it.
        JobClient second = start(config, savepoint);
        try {
            sendAt(events, purchaseFor("p1", "u1", t0.plusSeconds(300)), t0.plusSeconds(300));
            sendUntil(
                    () ->
                            sendAt(
                                    events,
                                    appOpen("tick-" + UUID.randomUUID(), 0),
                                    t0.plusSeconds(600)),
                    () -> !ids(matchesTopic, "convert").isEmpty());
            List<JsonNode> convert = matchedIn(matchesTopic, "convert");
            assertThat(convert).hasSize(1);
            assertThat(convert.get(0).path("event_ids").toString()).isEqualTo("[\"s1\",\"p1\"]");
            assertThat(convert.get(0).path("key").asText()).isEqualTo("u1");
        } finally {
            cancel(second);
        }
    }

    /**
     * The local stack's case: the job has had a quiet spell, longer than the idleness, before a
     * sequence happens, and nothing comes after it. Event time must follow the wall clock and
     * complete it; it must not have jumped to the end of time while the events input was idle
     * (which made every later sequence event late).
     */
    @Test
    void aSequenceAfterAQuietSpellCompletesWithNothingAfterIt() throws Exception {
        String events = "it3.events";
        String matchesTopic = "it3.matches";
        Configuration config = convertSetup("it3");
        Duration idleness = Duration.ofSeconds(2);
        JobClient job = start(config, null, Duration.ofSeconds(1), idleness);
        try {
            sendUntil(
                    () -> sendAt(events, appOpen("warm-" + UUID.randomUUID(), 5), Instant.now()),
                    () -> !ids(matchesTopic, "probe").isEmpty());
            // The quiet spell under test: no records for three times the idleness.
            Thread.sleep(3 * idleness.toMillis());

            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            sendAt(events, signup("s3", "u3", now.minusSeconds(2)), now);
            sendAt(events, purchaseFor("p3", "u3", now.minusSeconds(1)), now);
            // Nothing else is sent: only the wall clock can move event time past the purchase.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !ids(matchesTopic, "convert").isEmpty());
            List<JsonNode> convert = matchedIn(matchesTopic, "convert");
            assertThat(convert).hasSize(1);
            assertThat(convert.get(0).path("event_ids").toString()).isEqualTo("[\"s3\",\"p3\"]");
        } finally {
            cancel(job);
        }
    }

    /**
     * The case: a valid rule and one ordinary event made the sequence matcher throw on
     * every timer, so the job restarted forever and no app got a match. Here the job may not
     * restart at all (restart strategy none: any failure ends it). It gets that rule and event, and
     * an event whose user agent is beyond what any regex searches (an evaluation error that must go
     * to the dead-letter topic); the other rules keep matching and the job keeps running.
     */
    @Test
    void noRuleAndNoEventStopTheJobAndOtherRulesKeepMatching() throws Exception {
        String prefix = "it4";
        Configuration config = convertSetup(prefix);
        config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(ReactionOptions.DLQ_TOPIC, prefix + ".dlq");
        kafka.createTopics(List.of(new NewTopic(prefix + ".dlq", 1, (short) 1)));
        new RuleTopic(kafka.bootstrapServers(), prefix + ".rules")
                .publish(
                        List.of(
                                rule(
                                        "rule \"ua-then-background\"\n"
                                                + "  sequence by $.anonymous_id within 1m\n"
                                                + "    app_open where $.context.user_agent matches \".*bot.*\"\n"
                                                + "    followed by app_background\n"
                                                + "  then emit \"x\"\n"
                                                + "end",
                                        1),
                                rule(
                                        "rule \"ua-bot\" on app_open"
                                                + " where $.context.user_agent matches \".*bot.*\""
                                                + " then emit \"bots\" end",
                                        1)),
                        List.of());
        String events = prefix + ".events";
        String matchesTopic = prefix + ".matches";
        JobClient job = start(config, null);
        try {
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            sendUntil(
                    () -> sendAt(events, appOpen("warm-" + UUID.randomUUID(), 5), now),
                    () -> !ids(matchesTopic, "probe").isEmpty());
            String browser =
                    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
                            + " Gecko) Chrome/131.0 Mobile Safari/537.36 ".repeat(5);
            sendAt(events, withUserAgent("ua-500", "d-500", browser, now), now);
            sendAt(events, background("bg-500", "d-500", now.plusMillis(1)), now);
            // Beyond the longest input a regex searches: an evaluation error for both rules.
            String huge = "x".repeat(70_000);
            sendAt(events, withUserAgent("ua-huge", "d-huge", huge, now), now);
            sendAt(events, withUserAgent("ua-bot", "d-bot", browser + " Googlebot/2.1", now), now);
            sendAt(events, background("bg-bot", "d-bot", now.plusMillis(1)), now);
            sendAt(events, signup("s4", "u4", now.plusMillis(2)), now);
            sendAt(events, purchaseFor("p4", "u4", now.plusMillis(3)), now);
            // Event time moves on with later records; the sequences complete.
            sendUntil(
                    () ->
                            sendAt(
                                    events,
                                    appOpen("tick-" + UUID.randomUUID(), 0),
                                    Instant.now().plusSeconds(5)),
                    () ->
                            stillRunning(job)
                                    && !ids(matchesTopic, "convert").isEmpty()
                                    && !ids(matchesTopic, "ua-then-background").isEmpty());
            assertThat(job.getJobStatus().get())
                    .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
            assertThat(ids(matchesTopic, "ua-bot")).containsExactly("ua-bot");
            assertThat(ids(matchesTopic, "ua-then-background")).containsExactly("ua-bot");
            assertThat(ids(matchesTopic, "convert")).containsExactly("s4");
            // The huge event: one dead letter per rule that failed on it, naming rule and event.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> deadLetterReasons(prefix + ".dlq").size() >= 2);
            assertThat(deadLetterReasons(prefix + ".dlq"))
                    .allSatisfy(r -> assertThat(r).contains("ua-huge"))
                    .anySatisfy(r -> assertThat(r).contains("ua-bot v1"))
                    .anySatisfy(r -> assertThat(r).contains("ua-then-background v1"));
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                cancel(job);
            }
        }
    }

    /**
     * Two apps share nothing: the same event id sent by both is two events, and a rule without
     * {@code for app} runs per app, so a signup in one app and a purchase in another by the same
     * user id are no sequence.
     */
    @Test
    void tenantsNeverMix() throws Exception {
        String prefix = "it5";
        Configuration config = convertSetup(prefix);
        new RuleTopic(kafka.bootstrapServers(), prefix + ".rules")
                .publish(List.of(rule(BIG, 1)), List.of());
        String events = prefix + ".events";
        String matchesTopic = prefix + ".matches";
        JobClient job = start(config, null);
        try {
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            sendUntil(
                    () -> sendAt(events, appOpen("warm-" + UUID.randomUUID(), 5), now),
                    () -> !ids(matchesTopic, "probe").isEmpty());
            sendUntil(
                    () ->
                            sendAt(
                                    events,
                                    purchaseIn(
                                            "warm-big-" + UUID.randomUUID(), "shop", "w", 900, now),
                                    now),
                    () -> !ids(matchesTopic, "big").isEmpty());
            sendAt(events, purchaseIn("same-id", "shop", "u-a", 900, now), now);
            sendAt(events, purchaseIn("same-id", "news", "u-b", 900, now), now);
            sendAt(events, signupIn("s-news", "news", "u5", now), now);
            sendAt(events, purchaseIn("p-shop", "shop", "u5", 5, now.plusMillis(1)), now);
            sendAt(events, signupIn("s-shop", "shop", "u6", now), now);
            sendAt(events, purchaseIn("p-shop-6", "shop", "u6", 5, now.plusMillis(1)), now);
            sendUntil(
                    () ->
                            sendAt(
                                    events,
                                    appOpen("tick-" + UUID.randomUUID(), 0),
                                    Instant.now().plusSeconds(5)),
                    () -> !ids(matchesTopic, "convert").isEmpty());
            List<JsonNode> same =
                    matchedIn(matchesTopic, "big").stream()
                            .filter(m -> m.path("event_ids").get(0).asText().equals("same-id"))
                            .toList();
            assertThat(same)
                    .extracting(m -> m.path("app_id").asText())
                    .containsExactlyInAnyOrder("shop", "news");
            List<JsonNode> convert = matchedIn(matchesTopic, "convert");
            assertThat(convert).hasSize(1);
            assertThat(convert.get(0).path("event_ids").toString())
                    .isEqualTo("[\"s-shop\",\"p-shop-6\"]");
            assertThat(convert.get(0).path("app_id").asText()).isEqualTo("shop");
        } finally {
            cancel(job);
        }
    }

    /** True while the job runs; its failure, if it failed. */
    private static boolean stillRunning(JobClient job) throws Exception {
        if (job.getJobStatus().get().isGloballyTerminalState()) {
            job.getJobExecutionResult().get();
            throw new IllegalStateException("the job ended: " + job.getJobStatus().get());
        }
        return true;
    }

    private static String withUserAgent(String id, String device, String ua, Instant at) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"app_open\",\"anonymous_id\":\""
                + device
                + "\",\"timestamp\":\""
                + at
                + "\",\"context\":{\"user_agent\":\""
                + ua
                + "\"},\"properties\":{}}";
    }

    private static String background(String id, String device, Instant at) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"app_background\",\"anonymous_id\":\""
                + device
                + "\",\"timestamp\":\""
                + at
                + "\",\"properties\":{}}";
    }

    private static String signupIn(String id, String app, String user, Instant at) {
        return signup(id, user, at).replace("\"app_id\":\"shop\"", "\"app_id\":\"" + app + "\"");
    }

    private static String purchaseIn(String id, String app, String user, double total, Instant at) {
        return purchaseFor(id, user, at)
                .replace("\"app_id\":\"shop\"", "\"app_id\":\"" + app + "\"")
                .replace("\"total\":5", "\"total\":" + total);
    }

    /** The reasons of the dead letters in a topic, in order. */
    private static List<String> deadLetterReasons(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(
                            new String(
                                    r.headers()
                                            .lastHeader(
                                                    io.causality.contracts.DeadLetterHeaders.REASON)
                                            .value(),
                                    StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /**
     * Topics named after the prefix, the "convert" sequence (a signup, then a purchase by the same
     * user within an hour) and the probe deployed, and the job's configuration for them.
     */
    private static Configuration convertSetup(String prefix) throws Exception {
        String rulesTopic = prefix + ".rules";
        kafka.createTopics(
                List.of(
                        new NewTopic(prefix + ".events", 1, (short) 1),
                        new NewTopic(rulesTopic, 1, (short) 1)
                                .configs(Map.of("cleanup.policy", "compact")),
                        new NewTopic(prefix + ".matches", 1, (short) 1),
                        new NewTopic(prefix + ".actions", 1, (short) 1)));
        new RuleTopic(kafka.bootstrapServers(), rulesTopic)
                .publish(
                        List.of(
                                rule(
                                        "rule \"convert\" sequence by $.user_id within 1h"
                                                + " user_signup as signup followed by purchase_complete"
                                                + " then emit \"growth\" end",
                                        1),
                                rule(probe(1), 1)),
                        List.of());
        Configuration config = new Configuration();
        config.set(ReactionOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(ReactionOptions.EVENTS_TOPIC, prefix + ".events");
        config.set(ReactionOptions.RULES_TOPIC, rulesTopic);
        config.set(ReactionOptions.MATCHES_TOPIC, prefix + ".matches");
        config.set(ReactionOptions.ACTIONS_TOPIC, prefix + ".actions");
        config.set(ReactionOptions.DLQ_TOPIC, DLQ);
        config.set(ReactionOptions.RULE_STATUS_TOPIC, STATUS);
        config.set(ReactionOptions.GROUP_ID, prefix + "-reaction");
        config.set(ReactionOptions.TRANSACTIONAL_ID_PREFIX, prefix + "-" + UUID.randomUUID());
        return config;
    }

    private static final String EVENTS_MATCHES_PROBE = "probe";

    /** Sends probe events until the probe rule matches one: the rules are in effect then. */
    private static void awaitProbe(Runnable sendProbe, String rule) {
        sendUntil(sendProbe, () -> !matched(rule).isEmpty());
    }

    /** Sends, checks, and again, until the check holds (a minute at most). */
    private static void sendUntil(Runnable send, java.util.concurrent.Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            send.run();
                            return done.call();
                        });
    }

    /** Cancels and waits until the job has ended, so that the next test gets its slots. */
    private static void cancel(JobClient job) throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> job.getJobStatus().get().isGloballyTerminalState());
    }

    private static JobClient start(Configuration config, String savepoint) throws Exception {
        return start(config, savepoint, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    private static JobClient start(
            Configuration config, String savepoint, Duration bound, Duration idleness)
            throws Exception {
        Configuration env = JobEnvironment.configure(new Configuration(config));
        env.set(ReactionOptions.OUT_OF_ORDERNESS, bound);
        env.set(ReactionOptions.IDLENESS, idleness);
        if (savepoint != null) {
            env.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment e = StreamExecutionEnvironment.getExecutionEnvironment(env);
        e.setParallelism(1);
        e.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<io.causality.jobs.common.RawRecord> source =
                KafkaSource.<io.causality.jobs.common.RawRecord>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(config.get(ReactionOptions.EVENTS_TOPIC))
                        .setGroupId(config.get(ReactionOptions.GROUP_ID))
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
                        .build();
        ReactionJob.withEvents(ReactionSettings.from(env), source).build(e);
        return e.executeAsync("reaction-savepoint");
    }

    private static String signup(String id, String user, Instant at) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"user_signup\",\"user_id\":\""
                + user
                + "\",\"timestamp\":\""
                + at
                + "\",\"properties\":{}}";
    }

    private static String purchaseFor(String id, String user, Instant at) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"purchase_complete\",\"user_id\":\""
                + user
                + "\",\"timestamp\":\""
                + at
                + "\",\"properties\":{\"order_id\":\"o\",\"total\":5}}";
    }

    /** Sends with the Kafka record time set, which is what moves the job's event time. */
    private static void sendAt(String topic, String event, Instant at) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(
                    new ProducerRecord<>(
                            topic,
                            null,
                            at.toEpochMilli(),
                            null,
                            event.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static List<JsonNode> matchedIn(String topic, String rule) throws IOException {
        return read(topic).stream().filter(m -> m.path("rule").asText().equals(rule)).toList();
    }

    private static List<String> ids(String topic, String rule) throws IOException {
        return matchedIn(topic, rule).stream()
                .map(m -> m.path("event_ids").get(0).asText())
                .toList();
    }

    private static String purchase(String id, double total) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"purchase_complete\",\"user_id\":\"u\","
                + "\"timestamp\":\"2026-11-22T12:00:00Z\",\"properties\":{\"order_id\":\"o-"
                + id
                + "\",\"total\":"
                + total
                + "}}";
    }

    private static String appOpen(String id, int n) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"app_open\",\"anonymous_id\":\"d\","
                + "\"timestamp\":\"2026-11-22T12:00:00Z\",\"properties\":{\"n\":"
                + n
                + "}}";
    }

    private static void send(String event) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(EVENTS, event.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static List<JsonNode> matched(String rule) throws IOException {
        return read(MATCHES).stream().filter(m -> m.path("rule").asText().equals(rule)).toList();
    }

    private static List<String> matchedIds(String rule) throws IOException {
        return matched(rule).stream().map(m -> m.path("event_ids").get(0).asText()).toList();
    }

    private static List<JsonNode> actions() throws IOException {
        return read(ACTIONS);
    }

    /** Everything committed to the topic so far, in order. */
    private static List<JsonNode> read(String topic) throws IOException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<JsonNode> out = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(EventJson.mapper().readTree(r.value()));
                }
            }
        }
        return out;
    }
}
