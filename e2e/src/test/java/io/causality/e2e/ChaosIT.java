package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.contracts.DeadLetterHeaders;
import io.causality.contracts.OptionKeys;
import io.causality.contracts.Topics;
import io.causality.processes.KafkaBroker;
import io.causality.rules.topic.RuleTopic;
import io.causality.schemas.EventJson;
import io.causality.stack.LocalStack;
import io.causality.stack.StackJobs;
import io.causality.stack.StackJobs.StackJob;
import io.causality.stack.TopicEnds;
import io.causality.stack.demo.DemoReceiver;
import io.causality.stack.demo.IngestClient;
import io.causality.stack.rules.RulesCommand;
import io.causality.testing.FreePorts;
import io.causality.testing.TopicRead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos test (docs/operations.md): the local stack with all four jobs, a steady seeded stream
 * through the ingest with retried duplicates, a per-event rule, a sequence rule and a detector
 * deployed, their webhooks going to a verifying receiver; meanwhile the TaskManager is killed with
 * SIGKILL twice, every job is stopped with a savepoint and resumed, one is upgraded, the Kafka
 * broker and PostgreSQL are restarted, and the receiver is away for a minute. Unreadable records go
 * into the events, rules and actions topics. Then: the lake holds every accepted event once, the
 * rule matches and anomalies are those of an undisturbed second run of the same jobs over the same
 * input (the same ids), every webhook arrived and the delivery log holds one delivered row for
 * each, and every unreadable record is in a dead-letter topic. The faults' recovery times and the
 * checks are printed as tables.
 */
class ChaosIT {
    private static final long SEED = 20261204L;
    private static final String APP = "demo-shop";
    private static final String HOOK = "chaos-hook";

    /** One batch per tick: about 100 events/s. */
    private static final Duration TICK = Duration.ofMillis(250);

    private static final int EVENTS_PER_BATCH = 25;

    /** How long the webhook receiver is away, as the issue asks. */
    private static final Duration RECEIVER_AWAY = Duration.ofMinutes(1);

    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(4);

    /**
     * The jobs' watermarks: 30 s behind the newest event, and on a quiet input the wall clock less
     * 30 s more (ReactionOptions: watermark.out-of-orderness and watermark.idleness). A detector's
     * window has closed everywhere this long after its end, plus a margin for the checkpoint that
     * commits its record.
     */
    private static final Duration WINDOWS_CLOSED_AFTER = Duration.ofSeconds(30 + 30 + 15);

    private static final String RULES =
            """
            rule "chaos-vip" for app "demo-shop" on app_open
              where $.properties.tier == "vip"
              then webhook "chaos-hook" with {"n": $.properties.n} end
            rule "chaos-signup-then-open" for app "demo-shop"
              sequence by $.anonymous_id within 1m
                user_signup as signup followed by app_open
              then webhook "chaos-hook" with {"device": @key} end
            detector "chaos-purchase-burst"
              for app "demo-shop"
              measure count of purchase_complete
              window 10s
              alert when above 60
              then webhook "chaos-hook" with {"purchases": @value, "state": @state}
            end
            """;

    private final Map<String, Fault> faults = new LinkedHashMap<>();

    @Test
    void underSteadyLoadAndRepeatedFaultsNothingIsLostAndNothingDoubled(@TempDir Path dir)
            throws Exception {
        Instant started = Instant.now();
        LocalStack stack = TestStacks.create("chaos");
        // Attempts close enough together that a receiver away for a minute is reached again
        // within minutes, not the hours of the production schedule.
        stack.addJobArgs(
                "delivery",
                List.of("--delivery.retry-schedule", "2s,5s,10s,20s,30s,30s,30s,30s,30s,30s"));
        stack.up();
        Random random = new Random(SEED);
        int receiverPort = FreePorts.next();
        AtomicReference<DemoReceiver> receiver =
                new AtomicReference<>(new DemoReceiver(receiverPort));
        Set<String> verified = ConcurrentHashMap.newKeySet();
        Traffic traffic = null;
        // What was checked, printed as a table even when a check fails (it shows which one).
        Map<String, String[]> checks = new LinkedHashMap<>();
        try (var db = stack.dataSource()) {
            var secret =
                    stack.endpoints(db).add(APP, HOOK, receiver.get().url(APP, HOOK), null, false);
            receiver.get().expect(APP, HOOK, secret.secret());
            deploy(stack, dir);

            traffic = new Traffic(new IngestClient(stack.config().ingestUrl()), stack, SEED);
            Thread sender = new Thread(traffic, "chaos-traffic");
            sender.setDaemon(true);
            sender.start();
            Traffic t = traffic;
            // The rules are in force and the stream flows: a first vip webhook arrived.
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                assertThat(t.failure()).as("the sender's failure").isNull();
                                return !receiver.get().verified().isEmpty() && t.accepted() > 0;
                            });

            List<Injected> garbage = injectUnreadable(stack);
            StackJobs jobs = stack.jobs();

            pause(random);
            fault(stack, "TaskManager SIGKILL #1", () -> killTaskManager(stack));
            pause(random);
            fault(
                    stack,
                    "stop with savepoint, resume (every job)",
                    () -> {
                        for (StackJob job : jobs.all()) {
                            jobs.stop(job, jobs.activeId(job).orElseThrow());
                            jobs.retire(
                                    List.of(jobs.ensure(job, null, false).orElseThrow()),
                                    Duration.ofSeconds(120));
                        }
                    });
            pause(random);
            Path changed = dir.resolve("changed.jar");
            Files.copy(jobs.builtJar(), changed);
            try (var zip = java.nio.file.FileSystems.newFileSystem(changed)) {
                Files.writeString(zip.getPath("/chaos-upgrade.txt"), "a newer release");
            }
            fault(
                    stack,
                    "upgrade (anomaly job)",
                    () -> assertThat(jobs.upgrade(jobs.named("anomaly").get(0), changed)).isTrue());
            pause(random);
            fault(stack, "TaskManager SIGKILL #2", () -> killTaskManager(stack));
            pause(random);
            fault(
                    stack,
                    "Kafka broker restart",
                    () -> {
                        stack.kafka().stop();
                        stack.kafka().start(Duration.ofSeconds(120));
                    });
            pause(random);
            fault(
                    stack,
                    "PostgreSQL restart",
                    () -> {
                        stack.postgres().stop();
                        stack.postgres().start(Duration.ofSeconds(120));
                    });
            pause(random);
            Instant away = Instant.now();
            verified.addAll(
                    receiver.get().verified().getOrDefault(DemoReceiver.path(APP, HOOK), Set.of()));
            receiver.get().close();
            Thread.sleep(RECEIVER_AWAY.toMillis()); // the fault itself: away for this long
            receiver.set(new DemoReceiver(receiverPort));
            receiver.get().expect(APP, HOOK, secret.secret());
            await().atMost(RECOVERY_LIMIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !receiver.get().verified().isEmpty());
            faults.put(
                    "webhook receiver away " + RECEIVER_AWAY.toSeconds() + " s",
                    new Fault(away, Duration.between(away, Instant.now())));

            pause(random);
            traffic.stop();
            sender.join(Duration.ofMinutes(2).toMillis());
            assertThat(sender.isAlive()).as("the sender stopped").isFalse();
            assertThat(traffic.failure()).as("the sender's unexpected answers").isNull();
            Instant lastEvent = Instant.now();

            int accepted = traffic.acceptedIds().size();

            // The lake, as Trino counts it.
            // Waits for every accepted id to be there; a lost one times the wait out and a
            // doubled one makes count(*) exceed it: the assertions below tell which.
            long[] lake = new long[2];
            try {
                await().atMost(Duration.ofMinutes(5))
                        .pollInterval(Duration.ofSeconds(5))
                        .until(
                                () -> {
                                    stack.lakeTable().sync();
                                    var row =
                                            stack.trino()
                                                    .client()
                                                    .query(
                                                            "SELECT count(*), count(DISTINCT event_id)"
                                                                    + " FROM events",
                                                            Duration.ofSeconds(60))
                                                    .rows()
                                                    .get(0);
                                    lake[0] = row.get(0).asLong();
                                    lake[1] = row.get(1).asLong();
                                    return lake[1] >= accepted;
                                });
            } catch (org.awaitility.core.ConditionTimeoutException lost) {
                // reported by the assertions below, with the numbers
            }
            checks.put("lake rows (Trino count(*))", row(accepted, lake[0]));
            checks.put("lake distinct event_id", row(accepted, lake[1]));
            assertThat(lake[1])
                    .as("distinct event_id in the lake: every accepted event")
                    .isEqualTo(accepted);
            assertThat(lake[0]).as("rows in the lake: no event_id twice").isEqualTo(accepted);

            // Every job has read every event: its group's committed offsets are at the end.
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () ->
                                    lag(stack, "causality-reaction") == 0
                                            && lag(stack, "causality-anomaly") == 0);
            awaitUntil(lastEvent.plus(WINDOWS_CLOSED_AFTER));

            // The undisturbed run: the same jobs over the same topics, to topics of their own, in
            // the slot the warehouse job (whose part is checked) leaves.
            jobs.stop(
                    jobs.named("warehouse").get(0),
                    jobs.activeId(jobs.named("warehouse").get(0)).orElseThrow());
            Map<String, String> referenceTopics = createReferenceTopics(stack);
            List<String> chaosMatches = ids(stack, Topics.RULE_MATCHES, "rule");
            List<String> referenceMatches =
                    referenceRun(
                            stack,
                            jobs.named("reaction").get(0),
                            List.of(
                                    "--" + OptionKeys.KAFKA_MATCHES_TOPIC,
                                    referenceTopics.get(Topics.RULE_MATCHES),
                                    "--" + OptionKeys.KAFKA_ACTIONS_TOPIC,
                                    referenceTopics.get(Topics.ACTIONS),
                                    "--" + OptionKeys.KAFKA_RULE_STATUS_TOPIC,
                                    referenceTopics.get(Topics.RULE_STATUS),
                                    "--" + OptionKeys.KAFKA_DLQ_TOPIC,
                                    referenceTopics.get(Topics.EVENTS_DLQ)),
                            referenceTopics.get(Topics.RULE_MATCHES),
                            "rule",
                            chaosMatches);
            checks.put(
                    "rule match records (each once)",
                    row(new HashSet<>(chaosMatches).size(), chaosMatches.size()));
            checks.put(
                    "rule matches (same ids as undisturbed)",
                    row(
                            referenceMatches.size(),
                            countIn(new HashSet<>(chaosMatches), referenceMatches)));
            assertThat(chaosMatches).as("rule matches, each once").doesNotHaveDuplicates();
            assertThat(chaosMatches)
                    .as("the same match ids as the undisturbed run")
                    .containsExactlyInAnyOrderElementsOf(referenceMatches);

            List<String> chaosAnomalies = ids(stack, Topics.ANOMALIES, "detector");
            List<String> referenceAnomalies =
                    referenceRun(
                            stack,
                            jobs.named("anomaly").get(0),
                            List.of(
                                    "--" + OptionKeys.KAFKA_ANOMALIES_TOPIC,
                                    referenceTopics.get(Topics.ANOMALIES),
                                    "--" + OptionKeys.KAFKA_ACTIONS_TOPIC,
                                    referenceTopics.get(Topics.ACTIONS),
                                    "--" + OptionKeys.KAFKA_DLQ_TOPIC,
                                    referenceTopics.get(Topics.EVENTS_DLQ)),
                            referenceTopics.get(Topics.ANOMALIES),
                            "detector",
                            chaosAnomalies);
            checks.put(
                    "anomaly records (each once)",
                    row(new HashSet<>(chaosAnomalies).size(), chaosAnomalies.size()));
            checks.put(
                    "anomaly records (same ids as undisturbed)",
                    row(
                            referenceAnomalies.size(),
                            countIn(new HashSet<>(chaosAnomalies), referenceAnomalies)));
            assertThat(chaosAnomalies).as("anomaly records, each once").doesNotHaveDuplicates();
            assertThat(chaosAnomalies)
                    .as("the same anomaly ids as the undisturbed run")
                    .containsExactlyInAnyOrderElementsOf(referenceAnomalies)
                    .isNotEmpty();

            // Delivery: every webhook action reached the receiver, and the log holds one
            // delivered row for each.
            List<String> actions = webhookActions(stack);
            assertThat(actions).as("actions, each once").doesNotHaveDuplicates();
            Set<String> expected = new HashSet<>(actions);
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () -> {
                                Set<String> got = new HashSet<>(verified);
                                got.addAll(
                                        receiver.get()
                                                .verified()
                                                .getOrDefault(
                                                        DemoReceiver.path(APP, HOOK), Set.of()));
                                return got.containsAll(expected)
                                        && deliveryLog(db, "delivered").size() == expected.size();
                            });
            verified.addAll(receiver.get().verified().get(DemoReceiver.path(APP, HOOK)));
            assertThat(receiver.get().refused()).as("every request verified").isZero();
            assertThat(verified).containsAll(expected);
            List<String> logged = deliveryLog(db, null);
            assertThat(logged)
                    .as("the delivery log: one delivered row per delivery")
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            checks.put(
                    "webhooks received (distinct webhook-id)",
                    row(expected.size(), countIn(verified, expected)));
            checks.put("delivery log rows, delivered", row(expected.size(), logged.size()));

            // Unreadable records are dead letters, with where they came from.
            Set<String> sources = new HashSet<>();
            for (String dlq : List.of(Topics.EVENTS_DLQ, Topics.DELIVERIES_DLQ)) {
                sources.addAll(
                        TopicRead.header(
                                stack.kafka().bootstrapServers(), dlq, DeadLetterHeaders.SOURCE));
            }
            for (Injected g : garbage) {
                assertThat(sources)
                        .as("dead letter of the record put on %s", g.topic())
                        .contains(g.source());
            }
            checks.put(
                    "unreadable records in a dead-letter topic",
                    row(
                            garbage.size(),
                            garbage.stream().filter(g -> sources.contains(g.source())).count()));

        } finally {
            if (traffic != null) {
                print(traffic, checks, started);
                traffic.stop();
            }
            receiver.get().close();
            stack.down();
        }
    }

    // ---- the faults ----

    /** Something that breaks the stack and puts it back. */
    private interface Breakage {
        void run() throws Exception;
    }

    private record Fault(Instant at, Duration recovery) {}

    /**
     * Runs a fault, then waits until every job runs and has completed a checkpoint since; the
     * recovery time is from the fault to then.
     */
    private void fault(LocalStack stack, String name, Breakage breakage) throws Exception {
        System.out.println("== chaos: " + name);
        Instant at = Instant.now();
        breakage.run();
        Map<String, Run> after = checkpoints(stack);
        StackJobs jobs = stack.jobs();
        await().atMost(RECOVERY_LIMIT)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            for (StackJob job : jobs.all()) {
                                var id = jobs.activeId(job);
                                if (id.isEmpty() || !"RUNNING".equals(jobs.state(job).orElse(""))) {
                                    return false;
                                }
                                long done = stack.flink().completedCheckpoints(id.get());
                                Run before = after.get(job.label());
                                boolean sameRun = before != null && before.id().equals(id.get());
                                if (sameRun ? done <= before.checkpoints() : done < 1) {
                                    return false;
                                }
                            }
                            return true;
                        });
        Duration took = Duration.between(at, Instant.now());
        faults.put(name, new Fault(at, took));
        System.out.println("== chaos: " + name + " recovered in " + seconds(took));
    }

    /** A job's run on the cluster and the checkpoints it has completed. */
    private record Run(String id, long checkpoints) {}

    /** Per job label: its run, where it runs. */
    private static Map<String, Run> checkpoints(LocalStack stack) throws Exception {
        Map<String, Run> out = new HashMap<>();
        StackJobs jobs = stack.jobs();
        for (StackJob job : jobs.all()) {
            var id = jobs.activeId(job);
            if (id.isPresent()) {
                out.put(
                        job.label(),
                        new Run(id.get(), stack.flink().completedCheckpoints(id.get())));
            }
        }
        return out;
    }

    private static void killTaskManager(LocalStack stack) throws Exception {
        ProcessHandle tm = stack.flink().taskManager().running().orElseThrow();
        tm.destroyForcibly();
        tm.onExit().get(30, TimeUnit.SECONDS);
        stack.flink().start(Duration.ofSeconds(120));
    }

    /** A seeded wait of 5 to 15 s between faults: they strike at different points of the stream. */
    private static void pause(Random random) throws InterruptedException {
        Thread.sleep(5_000 + random.nextInt(10_000));
    }

    private static void awaitUntil(Instant when) throws InterruptedException {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    // ---- the stream ----

    /**
     * The seeded stream: batches of app opens (one in ten of a vip, which the per-event rule
     * webhooks), a signup followed by an open of the same device (the sequence rule), and
     * purchases, in bursts of ten seconds every minute (the detector). One batch in ten is sent
     * twice, and a batch that fails is sent again until accepted: the same event ids each time.
     */
    private static final class Traffic implements Runnable {
        private final IngestClient client;
        private final String key;
        private final Random random;
        private final Set<String> accepted = ConcurrentHashMap.newKeySet();
        private final AtomicLong batches = new AtomicLong();
        private final AtomicLong resent = new AtomicLong();
        private final AtomicLong retried = new AtomicLong();
        private final AtomicReference<String> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Traffic(IngestClient client, LocalStack stack, long seed) throws IOException {
            this.client = client;
            this.key = stack.demoKeys().get(APP);
            this.random = new Random(seed);
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            for (int b = 0; !stopped; b++) {
                List<ObjectNode> batch = batch(b);
                try {
                    send(batch);
                    if (b % 10 == 3) {
                        send(batch);
                        resent.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e.toString());
                    return;
                }
                batches.incrementAndGet();
                next += TICK.toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait); // the stream's rate
                    } catch (InterruptedException e) {
                        return;
                    }
                } else {
                    next = System.nanoTime();
                }
            }
        }

        private List<ObjectNode> batch(int b) {
            List<ObjectNode> events = new ArrayList<>();
            Instant now = Instant.now();
            boolean burst = (b / 40) % 6 == 5;
            int purchases = burst ? 4 : random.nextInt(4) == 0 ? 1 : 0;
            for (int i = 0; i < purchases; i++) {
                ObjectNode p = event("purchase_complete", "buyer-" + random.nextInt(200), now);
                p.putObject("properties")
                        .put("order_id", "o-" + b + "-" + i)
                        .put("total", 10 + random.nextInt(90));
                events.add(p);
            }
            String device = "device-" + b;
            events.add(event("user_signup", device, now.minusMillis(2)));
            events.add(event("app_open", device, now.minusMillis(1)));
            while (events.size() < EVENTS_PER_BATCH) {
                ObjectNode open = event("app_open", "reader-" + random.nextInt(1000), now);
                ObjectNode props = open.putObject("properties").put("n", b);
                if (random.nextInt(10) == 0) {
                    props.put("tier", "vip");
                }
                events.add(open);
            }
            return events;
        }

        private ObjectNode event(String type, String device, Instant at) {
            ObjectNode e = EventJson.mapper().createObjectNode();
            e.put("event_id", new UUID(random.nextLong(), random.nextLong()).toString())
                    .put("type", type)
                    .put("anonymous_id", device)
                    .put("timestamp", at.toString());
            return e;
        }

        /**
         * Sends until the ingest accepts the batch; what it answers besides 200 must be a retry.
         */
        private void send(List<ObjectNode> batch) throws InterruptedException {
            while (true) {
                try {
                    IngestClient.Answer a = client.nativeBatch(key, batch);
                    if (a.status() == 200) {
                        a.body().get("event_ids").forEach(id -> accepted.add(id.asText()));
                        return;
                    }
                    if (a.status() != 503 && a.status() != 429 && a.status() != 500) {
                        throw new IllegalStateException(
                                "the ingest answered " + a.status() + ": " + a.body());
                    }
                } catch (IOException e) {
                    // the ingest did not answer: send again
                }
                retried.incrementAndGet();
                if (stopped) {
                    return;
                }
                Thread.sleep(500);
            }
        }

        long accepted() {
            return accepted.size();
        }

        Set<String> acceptedIds() {
            return accepted;
        }

        String failure() {
            return failure.get();
        }

        void stop() {
            stopped = true;
        }
    }

    // ---- the rules, the garbage ----

    private static void deploy(LocalStack stack, Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("chaos.rules"), RULES);
        var topic = new RuleTopic(stack.kafka().bootstrapServers(), Topics.RULES);
        var out = new ByteArrayOutputStream();
        var print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(new RulesCommand(print, print).deploy(List.of(file), false, topic))
                .as("%s", out)
                .isZero();
    }

    private record Injected(String topic, String source) {}

    /**
     * Records that are not what their topic holds, put straight on the events, rules and actions.
     */
    private static List<Injected> injectUnreadable(LocalStack stack) throws Exception {
        var p = new java.util.Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        List<Injected> out = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String topic : List.of(Topics.EVENTS, Topics.RULES, Topics.ACTIONS)) {
                byte[] key = ("chaos-garbage-" + topic).getBytes(StandardCharsets.UTF_8);
                byte[] value = "{not json, chaos".getBytes(StandardCharsets.UTF_8);
                RecordMetadata m =
                        producer.send(new ProducerRecord<>(topic, key, value))
                                .get(30, TimeUnit.SECONDS);
                out.add(new Injected(topic, m.topic() + "/" + m.partition() + "/" + m.offset()));
            }
        }
        return out;
    }

    // ---- the undisturbed run ----

    private static Map<String, String> createReferenceTopics(LocalStack stack) throws IOException {
        Map<String, String> names = new HashMap<>();
        List<Topics.Spec> specs = new ArrayList<>();
        for (Topics.Spec s : Topics.all()) {
            String name = "chaos.reference." + s.name();
            names.put(s.name(), name);
            specs.add(new Topics.Spec(name, s.partitions(), s.compacted()));
        }
        stack.kafka().createTopics(KafkaBroker.newTopics(specs));
        return names;
    }

    /**
     * Runs a second copy of the job from the start of its input, undisturbed, with its outputs on
     * other topics; waits until it has read everything and its ids are those the chaos run made (or
     * the limit passes, and the assertions after show the difference), then stops it.
     */
    private static List<String> referenceRun(
            LocalStack stack,
            StackJob original,
            List<String> outputs,
            String topic,
            String nameField,
            List<String> chaosIds)
            throws Exception {
        String group = "chaos-reference-" + original.label();
        List<String> args = new ArrayList<>(original.args());
        args.addAll(outputs);
        args.addAll(
                List.of(
                        "--" + OptionKeys.JOB_NAME,
                        original.name() + "-reference",
                        "--" + OptionKeys.KAFKA_GROUP_ID,
                        group,
                        "--" + OptionKeys.KAFKA_TRANSACTIONAL_ID_PREFIX,
                        group));
        StackJob reference =
                new StackJob(
                        original.name() + "-reference",
                        original.label() + "-reference",
                        original.entryClass(),
                        args);
        StackJobs jobs = stack.jobs(List.of(reference));
        jobs.ensure(reference, null, false);
        Instant submitted = Instant.now();
        List<String> ids = new ArrayList<>();
        AtomicLong lastLag = new AtomicLong(-1);
        try {
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () -> {
                                lastLag.set(lag(stack, group));
                                if (lastLag.get() != 0) {
                                    return false;
                                }
                                ids.clear();
                                ids.addAll(ids(stack, topic, nameField));
                                return new HashSet<>(ids).equals(new HashSet<>(chaosIds))
                                        && Instant.now()
                                                .isAfter(submitted.plus(WINDOWS_CLOSED_AFTER));
                            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the assertions on the ids say what differs
        }
        System.out.println(
                "== chaos: undisturbed "
                        + original.label()
                        + " run: "
                        + ids.size()
                        + " records in "
                        + seconds(Duration.between(submitted, Instant.now()))
                        + ", events not yet committed by its consumer group: "
                        + lastLag.get()
                        + ", records on its topic: "
                        + TopicRead.records(stack.kafka().bootstrapServers(), topic).size());
        jobs.stop(reference, jobs.activeId(reference).orElseThrow());
        return List.copyOf(ids);
    }

    /** What the consumer group has not committed of the events topic. */
    private static long lag(LocalStack stack, String group) throws Exception {
        try (Admin admin = stack.kafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end :
                    TopicEnds.of(admin, Topics.EVENTS, IsolationLevel.READ_UNCOMMITTED)
                            .entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += end.getValue() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }

    /**
     * What identifies a record: a match by its id; an anomaly record by its episode's id (the same
     * for a firing and its resolve), the window and the state it went to.
     */
    private static String idOf(JsonNode record) {
        if (record.has("match_id")) {
            return record.path("match_id").asText();
        }
        return record.path("anomaly_id").asText()
                + " "
                + record.path("window_end").asText()
                + " "
                + record.path("state").asText();
    }

    /** The ids of the chaos rules' (or detector's) committed records on a topic, in order. */
    private static List<String> ids(LocalStack stack, String topic, String nameField) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : TopicRead.json(stack.kafka().bootstrapServers(), topic)) {
            if (r.path(nameField).asText().startsWith("chaos-")) {
                out.add(idOf(r));
            }
        }
        return out;
    }

    /** The action ids of the webhooks to the chaos endpoint, in order. */
    private static List<String> webhookActions(LocalStack stack) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TopicRead.records(stack.kafka().bootstrapServers(), Topics.ACTIONS)) {
            JsonNode a;
            try {
                a = EventJson.mapper().readTree(r.value());
            } catch (IOException e) {
                continue; // the garbage this test put there
            }
            if (a.path("kind").asText().equals("webhook")
                    && a.path("target").asText().equals(HOOK)) {
                out.add(a.path("action_id").asText());
            }
        }
        return out;
    }

    /** The delivery ids of the chaos endpoint's log, of one status or all. */
    private static List<String> deliveryLog(javax.sql.DataSource db, String status)
            throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT delivery_id FROM webhook_deliveries WHERE app_id = ? AND"
                                        + " endpoint = ? AND (? IS NULL OR status = ?)")) {
            ps.setString(1, APP);
            ps.setString(2, HOOK);
            ps.setString(3, status);
            ps.setString(4, status);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    // ---- the report ----

    private static String[] row(long expected, long actual) {
        return new String[] {Long.toString(expected), Long.toString(actual)};
    }

    private static long countIn(Set<String> got, java.util.Collection<String> expected) {
        return expected.stream().filter(got::contains).count();
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private void print(Traffic traffic, Map<String, String[]> checks, Instant started) {
        StringBuilder out = new StringBuilder("\n== chaos: the run\n");
        out.append(
                String.format(
                        "stream: %,d batches of %d events, %,d sent twice on purpose, %,d retried"
                                + " after a failure; %,d distinct events accepted%n",
                        traffic.batches.get(),
                        EVENTS_PER_BATCH,
                        traffic.resent.get(),
                        traffic.retried.get(),
                        traffic.accepted()));
        out.append(String.format("%-44s %-10s %s%n", "fault", "at", "recovered in"));
        Instant first =
                faults.values().stream().map(Fault::at).min(Instant::compareTo).orElse(started);
        for (var f : faults.entrySet()) {
            out.append(
                    String.format(
                            "%-44s +%-9s %s%n",
                            f.getKey(),
                            seconds(Duration.between(first, f.getValue().at())),
                            seconds(f.getValue().recovery())));
        }
        out.append(String.format("%-44s %10s %10s%n", "check", "expected", "actual"));
        for (var c : checks.entrySet()) {
            out.append(
                    String.format(
                            "%-44s %10s %10s%n", c.getKey(), c.getValue()[0], c.getValue()[1]));
        }
        out.append("total run: ").append(seconds(Duration.between(started, Instant.now())));
        System.out.println(out);
    }
}
