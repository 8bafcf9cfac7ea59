package io.causality.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.delivery.DeliveryJob;
import io.causality.jobs.delivery.DeliveryOptions;
import io.causality.jobs.delivery.DeliverySettings;
import io.causality.schemas.EventJson;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SchemaMigrations;
import io.causality.webhooks.SecretBox;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Webhook throughput of the DeliveryJob at parallelism 1 against receivers that answer after a
 * fixed latency, next to the bound its async capacity allows: at most {@code capacity} requests in
 * flight, each taking the latency, is capacity ÷ latency deliveries a second. Enough endpoints
 * share the actions that their own in-flight limit is not what binds. Every delivery is signed,
 * sent over HTTP and written to the delivery log in PostgreSQL, as in production.
 *
 * <p>{@code DeliveryBenchmark <bootstrap servers> <jdbc url> [deliveries] [latency ms] [rounds]}
 */
public final class DeliveryBenchmark {
    private static final String KEY = "a-bench-secret-key-of-32-characters-long";
    private static final int CAPACITY = 200;
    private static final int ENDPOINTS = 40;

    private DeliveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String jdbcUrl = args[1];
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int latencyMillis = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        double bound = CAPACITY * 1000.0 / latencyMillis;
        Path work =
                Path.of(
                                "target",
                                "bench",
                                "delivery-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        Files.createDirectories(work);
        System.out.printf(
                "machine: %d cores, Java %s; %,d webhooks to %d endpoints per round, receivers"
                        + " answering after %d ms; async capacity %d: bound %,.0f deliveries/s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                count,
                ENDPOINTS,
                latencyMillis,
                CAPACITY,
                bound);

        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(jdbcUrl);
        db.setUser(io.causality.processes.PostgresServer.USER);
        SchemaMigrations.apply(db);
        EndpointStore endpoints = new EndpointStore(db, new SecretBox(KEY));
        Path keyFile = work.resolve("secret-key");
        Files.writeString(keyFile, KEY);

        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        ExecutorService receiving = Executors.newFixedThreadPool(CAPACITY + 50);
        receiver.setExecutor(receiving);
        receiver.createContext(
                "/",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    try {
                        Thread.sleep(latencyMillis); // the receiver's fixed latency
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    last.set(now);
                    received.add(ex.getRequestHeaders().getFirst("webhook-id"));
                    ex.sendResponseHeaders(200, -1);
                    ex.close();
                });
        receiver.start();
        String app = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        for (int e = 0; e < ENDPOINTS; e++) {
            endpoints.add(
                    app,
                    "hook-" + e,
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook-" + e,
                    null,
                    false);
        }

        double[] rates = new double[rounds + 1];
        for (int r = 0; r <= rounds; r++) {
            String topic = "bench.actions." + UUID.randomUUID().toString().substring(0, 8);
            produce(bootstrap, topic, app, count);
            received.clear();
            first.set(0);
            JobClient job = job(bootstrap, jdbcUrl, keyFile, topic, work.resolve("state-" + r));
            long t0 = System.nanoTime();
            while (received.size() < count) {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    job.getJobExecutionResult().get();
                    throw new IllegalStateException("the job ended before it had delivered all");
                }
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException(
                            "only " + received.size() + " of " + count + " within 10 minutes");
                }
                Thread.sleep(20); // polling a counter in this JVM; the deadline bounds it
            }
            job.cancel().get(60, TimeUnit.SECONDS);
            double seconds = (last.get() - first.get()) / 1e9;
            rates[r] = (count - 1) / seconds;
            System.out.printf(
                    "%s: %,d delivered in %.1f s: %,8.0f deliveries/s (%3.0f %% of the bound)%n",
                    r == 0 ? "warm-up" : "round " + r,
                    count,
                    seconds,
                    rates[r],
                    100 * rates[r] / bound);
        }
        receiver.stop(0);
        receiving.shutdown();
        double[] timed = Arrays.copyOfRange(rates, 1, rates.length);
        Arrays.sort(timed);
        double median = timed[timed.length / 2];
        System.out.printf(
                "median: %,.0f deliveries/s = %.0f %% of capacity ÷ latency (%,.0f/s)%n",
                median, 100 * median / bound, bound);
    }

    private static void produce(String bootstrap, String topic, String app, int count)
            throws Exception {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, 1, (short) 1),
                                    new NewTopic(topic + ".retry", 1, (short) 1),
                                    new NewTopic(topic + ".deliveries-dlq", 1, (short) 1),
                                    new NewTopic(topic + ".deliveries", 1, (short) 1),
                                    new NewTopic(topic + ".dlq", 1, (short) 1)))
                    .all()
                    .get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                ObjectNode action = EventJson.mapper().createObjectNode();
                String id = UUID.randomUUID().toString().replace("-", "");
                action.put("action_id", id)
                        .put("match_id", "m-" + id)
                        .put("kind", "webhook")
                        .put("target", "hook-" + (i % ENDPOINTS))
                        .put("rule", "bench")
                        .put("version", 1)
                        .put("app_id", app)
                        .put("time", "2026-12-03T10:00:00Z");
                action.putArray("event_ids").add("e-" + id);
                action.putObject("payload").put("order", "o-" + i).put("total", 100 + i % 50);
                producer.send(
                        new ProducerRecord<>(
                                topic, null, action.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static JobClient job(
            String bootstrap, String jdbcUrl, Path keyFile, String topic, Path state)
            throws Exception {
        Configuration config = JobEnvironment.configure(new Configuration());
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                state.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, config);
        env.enableCheckpointing(10_000, CheckpointingMode.EXACTLY_ONCE);
        Configuration job = new Configuration();
        job.set(DeliveryOptions.BOOTSTRAP_SERVERS, bootstrap);
        job.set(DeliveryOptions.ACTIONS_TOPIC, topic);
        job.set(DeliveryOptions.RETRY_TOPIC, topic + ".retry");
        job.set(DeliveryOptions.DELIVERIES_DLQ_TOPIC, topic + ".deliveries-dlq");
        job.set(DeliveryOptions.DELIVERIES_TOPIC, topic + ".deliveries");
        job.set(DeliveryOptions.DLQ_TOPIC, topic + ".dlq");
        job.set(DeliveryOptions.GROUP_ID, "bench-" + topic);
        job.set(DeliveryOptions.TRANSACTIONAL_ID_PREFIX, "bench-" + topic);
        job.set(DeliveryOptions.DB_URL, jdbcUrl);
        job.set(DeliveryOptions.SECRET_KEY_FILE, keyFile.toString());
        job.set(DeliveryOptions.ALLOWED_NETWORKS, "127.0.0.1/32");
        job.set(DeliveryOptions.ALLOW_HTTP, true);
        job.set(DeliveryOptions.CAPACITY, CAPACITY);
        job.set(DeliveryOptions.TIMEOUT, Duration.ofSeconds(15));
        DeliveryJob.production(DeliverySettings.from(job)).build(env);
        return env.executeAsync("delivery-benchmark");
    }
}
