package io.causality.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.causality.contracts.Topics;
import io.causality.processes.StackLayout;
import io.causality.rules.topic.RuleTopic;
import io.causality.schemas.EventJson;
import io.causality.stack.LocalStack;
import io.causality.stack.StackConfig;
import io.causality.stack.demo.IngestClient;
import io.causality.stack.rules.RulesCommand;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.WebhookSecret;
import io.causality.webhooks.WebhookSignature;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end latency on the running local stack: from the ingest's 200 to the webhook at a local
 * receiver that verifies its signature, at a steady event rate, with where the time goes.
 *
 * <p>Events are sent in batches of 10 every 10 ms per 1,000 events/s; a share of them match a
 * per-event rule whose action is a webhook. For each matching event it records when the ingest
 * answered (accepted), when its action became readable on {@code causality.actions} to a
 * read_committed consumer (the reaction job's commit), and when the webhook arrived (the delivery
 * job's read and send). All three clocks are this process's.
 *
 * <p>The rate runs for a warm-up first (20 s, not measured: the jobs have just started or resumed,
 * and their first seconds are the JIT's and the connection pools'), then for the seconds measured.
 *
 * <p>Arguments: events per second, seconds measured, share of events matching (0–1), warm-up
 * seconds.
 */
public final class LatencyBenchmark {
    private static final String APP = "demo-shop";
    private static final String ENDPOINT = "latency-bench";

    private record Times(long sentMillis, long acceptedMillis) {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        double share = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Path root = Path.of("").toAbsolutePath();
        StackConfig config = StackConfig.fromEnvironment(System.getenv());
        LocalStack stack =
                new LocalStack(root, StackLayout.fromEnvironment(root), config, System.out);
        System.out.printf(
                "latency: %,d events/s for %d s, %.0f %% matching a webhook rule; reaction"
                        + " checkpoint every %s%n",
                rate, seconds, share * 100, config.reactionCheckpoint());

        Map<String, Times> accepted = new ConcurrentHashMap<>();
        Map<String, Long> actionVisible = new ConcurrentHashMap<>();
        Map<String, Long> received = new ConcurrentHashMap<>();
        AtomicLong refusedSignatures = new AtomicLong();

        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService receiving = Executors.newFixedThreadPool(4);
        receiver.setExecutor(receiving);
        WebhookSecret[] secret = new WebhookSecret[1];
        receiver.createContext(
                "/",
                ex -> {
                    long at = System.currentTimeMillis();
                    byte[] body = ex.getRequestBody().readAllBytes();
                    String id = ex.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
                    String ts = ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
                    String sig = ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
                    boolean ok =
                            id != null
                                    && ts != null
                                    && WebhookSignature.verify(
                                            secret[0], id, Long.parseLong(ts), body, sig);
                    if (ok) {
                        JsonNode b = EventJson.mapper().readTree(body);
                        received.putIfAbsent(b.at("/data/event_ids/0").asText(), at);
                    } else {
                        refusedSignatures.incrementAndGet();
                    }
                    ex.sendResponseHeaders(ok ? 200 : 401, -1);
                    ex.close();
                });
        receiver.start();

        Path rules = Files.createTempFile(root.resolve("target"), "latency", ".rules");
        Files.writeString(
                rules,
                "rule \"latency-bench\" for app \""
                        + APP
                        + "\" on app_open\n"
                        + "  where $.properties.probe == \"yes\"\n"
                        + "  then webhook \""
                        + ENDPOINT
                        + "\" with {\"n\": $.properties.n} end\n");
        if (new RulesCommand(System.out, System.err)
                        .deploy(
                                List.of(rules),
                                false,
                                new RuleTopic(stack.kafka().bootstrapServers(), Topics.RULES))
                != 0) {
            throw new IllegalStateException("the benchmark's rule was not deployed");
        }
        try (var db = stack.dataSource()) {
            secret[0] = endpoint(stack, db, "http://127.0.0.1:" + receiver.getAddress().getPort());
        }

        AtomicBoolean reading = new AtomicBoolean(true);
        Thread actions =
                new Thread(
                        () -> readActions(stack.kafka().bootstrapServers(), actionVisible, reading),
                        "actions-reader");
        actions.start();

        IngestClient client = new IngestClient(config.ingestUrl());
        String key = stack.demoKeys().get(APP);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        AtomicLong n = new AtomicLong();
        AtomicLong failedRequests = new AtomicLong();

        // Until the rule is live: one probe a second until its webhook arrives.
        System.out.println("waiting for the rule to be live (its first webhook) ...");
        long deadline = System.currentTimeMillis() + 120_000;
        while (received.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no webhook within 120 s; is the stack up?");
            }
            send(client, key, 1, 1.0, n, new ConcurrentHashMap<>(), failedRequests);
            Thread.sleep(1000); // a probe a second; the loop ends on the first webhook
        }
        received.clear();

        int perBatch = 10;
        long periodMicros = 1_000_000L * perBatch / rate;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.currentTimeMillis();
        AtomicLong batches = new AtomicLong();
        long warmBatches = (long) rate * warmUp / perBatch;
        long total = warmBatches + (long) rate * seconds / perBatch;
        Map<String, Times> warming = new ConcurrentHashMap<>();
        AtomicLong measuredFrom = new AtomicLong();
        var tick =
                ticker.scheduleAtFixedRate(
                        () -> {
                            long b = batches.incrementAndGet();
                            if (b == warmBatches + 1) {
                                measuredFrom.set(n.get());
                            }
                            if (b <= total) {
                                Map<String, Times> into = b <= warmBatches ? warming : accepted;
                                senders.execute(
                                        () ->
                                                send(
                                                        client,
                                                        key,
                                                        perBatch,
                                                        share,
                                                        n,
                                                        into,
                                                        failedRequests));
                            }
                        },
                        0,
                        periodMicros,
                        TimeUnit.MICROSECONDS);
        for (int s = 1; s <= warmUp + seconds; s++) {
            Thread.sleep(1000); // progress once a second while the ticker paces the traffic
            System.out.printf(
                    "  %3d s%s: %,d matching events accepted, %,d webhooks received%n",
                    s,
                    s <= warmUp ? " (warm-up)" : "",
                    accepted.size() + warming.size(),
                    received.size());
        }
        while (batches.get() < total) {
            Thread.sleep(100); // the last batches are being handed to the senders
        }
        tick.cancel(false);
        ticker.shutdown();
        senders.shutdown();
        senders.awaitTermination(30, TimeUnit.SECONDS);
        long sentFor = System.currentTimeMillis() - start - warmUp * 1000L;
        long measured = n.get() - measuredFrom.get();
        long waitUntil = System.currentTimeMillis() + 30_000;
        while (!received.keySet().containsAll(accepted.keySet())
                && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(200); // the last webhooks are on their way; bounded by waitUntil
        }
        reading.set(false);
        actions.join();
        receiver.stop(0);
        receiving.shutdown();

        List<Long> ack = new ArrayList<>();
        List<Long> commit = new ArrayList<>();
        List<Long> deliver = new ArrayList<>();
        List<Long> endToEnd = new ArrayList<>();
        long missing = 0;
        for (var e : accepted.entrySet()) {
            Long got = received.get(e.getKey());
            if (got == null) {
                missing++;
                continue;
            }
            Times t = e.getValue();
            ack.add(t.acceptedMillis() - t.sentMillis());
            endToEnd.add(got - t.acceptedMillis());
            Long visible = actionVisible.get(e.getKey());
            if (visible != null) {
                commit.add(visible - t.acceptedMillis());
                deliver.add(got - visible);
            }
        }
        System.out.printf(
                "measured: %,d events in %.1f s after %d s of warm-up (%,.0f events/s), %,d"
                        + " matching; %,d failed requests, %,d bad signatures%n",
                measured,
                sentFor / 1000.0,
                warmUp,
                measured * 1000.0 / sentFor,
                accepted.size(),
                failedRequests.get(),
                refusedSignatures.get());
        System.out.printf(
                "webhooks received: %,d of %,d (%,d missing after 30 s)%n",
                endToEnd.size(), accepted.size(), missing);
        System.out.println("where the time goes (ms)            p50     p90     p99     max");
        print("ingest: request sent -> 200", ack);
        print("reaction: 200 -> action readable", commit);
        print("delivery: readable -> received", deliver);
        print("end to end: 200 -> webhook received", endToEnd);
    }

    private static WebhookSecret endpoint(LocalStack stack, DataSource db, String url)
            throws Exception {
        EndpointStore endpoints = stack.endpoints(db);
        if (endpoints.find(APP, ENDPOINT).isPresent()) {
            endpoints.delete(APP, ENDPOINT);
        }
        return endpoints.add(APP, ENDPOINT, url, null, false).secret();
    }

    private static void send(
            IngestClient client,
            String key,
            int count,
            double share,
            AtomicLong n,
            Map<String, Times> accepted,
            AtomicLong failed) {
        List<ObjectNode> events = new ArrayList<>();
        List<String> matching = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long k = n.incrementAndGet();
            ObjectNode e = EventJson.mapper().createObjectNode();
            String id = UUID.randomUUID().toString();
            e.put("event_id", id).put("type", "app_open").put("anonymous_id", "lat-" + (k % 100));
            boolean match = (k % 1000) < share * 1000;
            e.putObject("properties").put("probe", match ? "yes" : "no").put("n", k);
            events.add(e);
            if (match) {
                matching.add(id);
            }
        }
        long sent = System.currentTimeMillis();
        try {
            IngestClient.Answer a = client.nativeBatch(key, events);
            long at = System.currentTimeMillis();
            if (a.status() != 200) {
                failed.incrementAndGet();
                return;
            }
            for (String id : matching) {
                accepted.put(id, new Times(sent, at));
            }
        } catch (Exception e) {
            failed.incrementAndGet();
        }
    }

    /** Records when each action's first event id becomes readable to a read_committed consumer. */
    private static void readActions(
            String bootstrapServers, Map<String, Long> visible, AtomicBoolean reading) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.ACTIONS));
            while (reading.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long at = System.currentTimeMillis();
                    try {
                        JsonNode a = EventJson.mapper().readTree(r.value());
                        visible.putIfAbsent(a.at("/event_ids/0").asText(), at);
                    } catch (java.io.IOException e) {
                        // not an action of ours; the benchmark only times its own
                    }
                }
            }
        }
    }

    private static void print(String what, List<Long> values) {
        if (values.isEmpty()) {
            System.out.printf("  %-34s (none)%n", what);
            return;
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                "  %-34s %6d  %6d  %6d  %6d%n",
                what,
                v[(int) (v.length * 0.50)],
                v[(int) Math.min(v.length - 1, v.length * 0.90)],
                v[(int) Math.min(v.length - 1, v.length * 0.99)],
                v[v.length - 1]);
    }
}
