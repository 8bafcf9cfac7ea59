package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.ingest.auth.WriteKeys;
import io.causality.stack.demo.IngestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flood of made-up write keys: on 069312a each was a PostgreSQL query on the four worker threads
 * that also reload the keys. Now lookups of unknown keys are limited per client address before any
 * query and at most two run at once: the flood gets 401, 429 or 503, a real client keeps getting
 * 200, and the key reload (readiness) never falls behind.
 */
class KeyFloodIT {
    private static Pipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = Pipeline.start("key-flood");
        pipeline.startIngest(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    @Test
    void aFloodOfUnknownKeysCostsBoundedLookupsAndARealClientKeepsItsAnswers() throws Exception {
        IngestClient client = pipeline.client;
        String key = pipeline.newKey("flood");
        byte[] event =
                "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(client.post("/v1/events", key, event).status()).isEqualTo(200);

        int floodRequests = 3000;
        Map<Integer, AtomicInteger> floodStatuses = new ConcurrentHashMap<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<?>> flood = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        for (int t = 0; t < 10; t++) {
            flood.add(
                    pool.submit(
                            () -> {
                                while (sent.incrementAndGet() <= floodRequests) {
                                    int status =
                                            client.post("/v1/events", WriteKeys.generate(), event)
                                                    .status();
                                    floodStatuses
                                            .computeIfAbsent(status, s -> new AtomicInteger())
                                            .incrementAndGet();
                                }
                                return null;
                            }));
        }
        List<Integer> realStatuses = new ArrayList<>();
        List<Integer> readyStatuses = new ArrayList<>();
        Future<?> real =
                pool.submit(
                        () -> {
                            while (flooding.get()) {
                                realStatuses.add(client.post("/v1/events", key, event).status());
                                readyStatuses.add(
                                        client.send(
                                                        HttpRequest.newBuilder(
                                                                        URI.create(
                                                                                client.baseUrl()
                                                                                        + "/ready"))
                                                                .timeout(Duration.ofSeconds(10))
                                                                .build())
                                                .status());
                            }
                            return null;
                        });
        for (Future<?> f : flood) {
            f.get();
        }
        flooding.set(false);
        real.get();
        pool.shutdown();

        assertThat(floodStatuses.keySet()).as("flood answers").isSubsetOf(401, 429, 503);
        assertThat(floodStatuses.get(429)).as("limited per address").isNotNull();
        assertThat(realStatuses).isNotEmpty().containsOnly(200);
        assertThat(readyStatuses).containsOnly(200);

        // Looked up: at most the address's burst plus its rate over the flood's duration, far
        // fewer than the keys sent.
        String metrics =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(client.baseUrl() + "/metrics"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
        double unknown = counter(metrics, "outcome=\"unknown\"");
        assertThat(unknown).isGreaterThan(0).isLessThan(floodRequests / 4.0);
    }

    /**
     * A key created a moment ago and used by many clients at once: each request misses the cache,
     * but they share one lookup, so the gate in front of PostgreSQL never refuses a real key. (The
     * first version of the gate answered 503 key_lookups_busy here; GracefulShutdownIT caught it.)
     */
    @Test
    void aNewKeyUsedByManyClientsAtOnceIsLookedUpOnce() throws Exception {
        // An ingest of its own: the flood above may have spent this address's unknown-key budget
        // on the shared one (all tests send from 127.0.0.1).
        var server = pipeline.startIngest(Map.of());
        IngestClient client = new IngestClient("http://127.0.0.1:" + server.port());
        String key = pipeline.newKey("fresh-and-busy");
        byte[] event =
                "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(
                    pool.submit(
                            () -> {
                                start.await();
                                return client.post("/v1/events", key, event).status();
                            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : answers) {
            statuses.add(f.get());
        }
        pool.shutdown();
        server.close();
        assertThat(statuses).containsOnly(200);
    }

    private static double counter(String metrics, String label) {
        return metrics.lines()
                .filter(
                        l ->
                                l.startsWith("causality_ingest_key_lookups_total{")
                                        && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
