package io.causality.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import io.causality.stack.ManagedProcess;
import io.causality.stack.demo.DemoTraffic;
import io.causality.stack.demo.IngestClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest throughput and latency against the local broker, beside Kafka's own producer tool at the
 * same record size and producer settings, in one run.
 *
 * <p>{@code IngestBenchmark <ingest url> <bootstrap servers> <demo-keys.properties> [events]
 * [concurrency]}
 */
public final class IngestBenchmark {
    static final int BATCH = 100;

    public static void main(String[] args) throws Exception {
        String ingestUrl = args[0];
        String bootstrap = args[1];
        Path keysFile = Path.of(args[2]);
        int events = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
        int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 8;

        Properties keys = new Properties();
        try (InputStream in = Files.newInputStream(keysFile)) {
            keys.load(in);
        }
        String key = keys.getProperty("demo-shop");

        List<byte[]> bodies = batches(events);
        double eventBytes = averageEventBytes(bodies);
        System.out.printf(
                "machine: %d cores, %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("java.version"));
        System.out.printf(
                "events: %d in batches of %d, %.0f bytes per event on average%n%n",
                events, BATCH, eventBytes);

        System.out.println(
                "== Kafka ProducerPerformance (acks=all, idempotent, lz4, linger 5 ms, batch 256 KiB)");
        int recordSize = (int) Math.round(eventBytes);
        Path log = Path.of("target", "producer-perf.log");
        Files.deleteIfExists(log);
        int rc =
                ManagedProcess.runJava(
                        List.of("-Xmx512m"),
                        "org.apache.kafka.tools.ProducerPerformance",
                        List.of(
                                "--topic",
                                "causality.events",
                                "--num-records",
                                Integer.toString(events),
                                "--record-size",
                                Integer.toString(recordSize),
                                "--throughput",
                                "-1",
                                "--producer-props",
                                "bootstrap.servers=" + bootstrap,
                                "acks=all",
                                "enable.idempotence=true",
                                "compression.type=lz4",
                                "linger.ms=5",
                                "batch.size=262144"),
                        log);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.out.println(
                lines.isEmpty() ? "(no output, exit " + rc + ")" : lines.get(lines.size() - 1));

        System.out.printf(
                "%n== Causality ingest over HTTP (%d concurrent requests of %d events)%n",
                concurrency, BATCH);
        run(
                ingestUrl,
                key,
                bodies.subList(0, Math.min(bodies.size(), 50)),
                concurrency,
                false); // warm-up
        run(ingestUrl, key, bodies, concurrency, true);
    }

    static List<byte[]> batches(int events) throws Exception {
        List<DemoTraffic.DemoEvent> traffic =
                new DemoTraffic(7, List.of("demo-shop"), 0.0, Instant.now()).generate(events);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < traffic.size(); i += BATCH) {
            ObjectNode body = EventJson.mapper().createObjectNode();
            ArrayNode arr = body.putArray("events");
            for (DemoTraffic.DemoEvent e :
                    traffic.subList(i, Math.min(traffic.size(), i + BATCH))) {
                if (!e.segment()) {
                    arr.add(e.body());
                }
            }
            bodies.add(EventJson.mapper().writeValueAsBytes(body));
        }
        return bodies;
    }

    static double averageEventBytes(List<byte[]> bodies) throws Exception {
        long bytes = 0;
        long n = 0;
        for (byte[] b : bodies) {
            bytes += b.length;
            n += EventJson.mapper().readTree(b).get("events").size();
        }
        return (double) bytes / n;
    }

    static void run(String url, String key, List<byte[]> bodies, int concurrency, boolean report)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore slots = new Semaphore(concurrency);
        AtomicLong accepted = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        long[] latencies = new long[bodies.size()];
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < bodies.size(); i++) {
            slots.acquire();
            int idx = i;
            long start = System.nanoTime();
            HttpRequest req =
                    HttpRequest.newBuilder(URI.create(url + "/v1/events/batch"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", IngestClient.basic(key))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)))
                            .build();
            all.add(
                    http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                            .whenComplete(
                                    (r, e) -> {
                                        latencies[idx] = System.nanoTime() - start;
                                        if (e == null && r.statusCode() == 200) {
                                            try {
                                                accepted.addAndGet(
                                                        EventJson.mapper()
                                                                .readTree(r.body())
                                                                .get("accepted")
                                                                .asLong());
                                            } catch (Exception parse) {
                                                failed.incrementAndGet();
                                            }
                                        } else {
                                            failed.incrementAndGet();
                                        }
                                        slots.release();
                                    }));
            if (report && i % 200 == 0) {
                System.out.printf("\r  %d/%d requests", i, bodies.size());
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!report) {
            return;
        }
        Arrays.sort(latencies);
        System.out.printf(
                "\r%d events accepted in %.1f s: %.0f events/s, %d failed requests; request latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                accepted.get(),
                secs,
                accepted.get() / secs,
                failed.get(),
                pct(latencies, 0.50),
                pct(latencies, 0.95),
                pct(latencies, 0.99),
                latencies[latencies.length - 1] / 1e6);
    }

    static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
