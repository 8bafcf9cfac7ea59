package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sender against a real HTTP server on 127.0.0.1 (allow-listed for the test, as the stack
 * does).
 */
class WebhookSenderTest {
    private static final WebhookSecret SECRET = WebhookSecret.generate();
    private static final byte[] BODY =
            "{\"type\":\"rule.matched\",\"timestamp\":\"2026-12-03T10:00:00Z\",\"data\":{}}"
                    .getBytes(StandardCharsets.UTF_8);
    private static HttpServer server;
    private static String base;
    private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> verified = new ConcurrentHashMap<>();
    private static final CountDownLatch release = new CountDownLatch(1);
    private static WebhookSender local;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        route("/ok", ex -> answer(ex, 200, "thanks", Map.of()));
        route("/gone", ex -> answer(ex, 410, "gone", Map.of()));
        route("/busy", ex -> answer(ex, 429, "slow down", Map.of("Retry-After", "7")));
        route("/broken", ex -> answer(ex, 500, "oops", Map.of()));
        route("/redirect", ex -> answer(ex, 302, "", Map.of("Location", base + "/ok")));
        route("/big", ex -> answer(ex, 200, "x".repeat(1_000_000), Map.of()));
        route(
                "/slow",
                ex -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(ex, 200, "late", Map.of());
                });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        local =
                new WebhookSender(
                        WebhookSender.Settings.defaults(AddressPolicy.allowing("127.0.0.1/32"))
                                .withAllowHttp(true)
                                .withTimeout(Duration.ofMillis(800)),
                        Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        release.countDown();
        local.close();
        server.stop(0);
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private static void route(String path, Handler h) {
        server.createContext(
                path,
                ex -> {
                    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    byte[] body = ex.getRequestBody().readAllBytes();
                    String id = ex.getRequestHeaders().getFirst("webhook-id");
                    String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
                    String sig = ex.getRequestHeaders().getFirst("webhook-signature");
                    verified.put(
                            path,
                            id != null
                                    && ts != null
                                    && WebhookSignature.verify(
                                            SECRET, id, Long.parseLong(ts), body, sig));
                    h.handle(ex);
                });
    }

    private static void answer(
            HttpExchange ex, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    private static Attempt send(WebhookSender sender, String url) throws Exception {
        return sender.send(URI.create(url), "act_1", List.of(SECRET), BODY)
                .get(10, TimeUnit.SECONDS);
    }

    private static int hits(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    @Test
    void aSignedPostIsDelivered() throws Exception {
        Attempt a = send(local, base + "/ok");
        assertThat(a.outcome()).isEqualTo(Attempt.Outcome.DELIVERED);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.responseHead()).isEqualTo("thanks");
        assertThat(verified.get("/ok")).as("the receiver verified the signature").isTrue();
    }

    @Test
    void eachAnswerIsClassified() throws Exception {
        assertThat(send(local, base + "/gone").outcome()).isEqualTo(Attempt.Outcome.GONE);
        Attempt busy = send(local, base + "/busy");
        assertThat(busy.outcome()).isEqualTo(Attempt.Outcome.RETRY);
        assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(busy.status()).isEqualTo(429);
        Attempt broken = send(local, base + "/broken");
        assertThat(broken.outcome()).isEqualTo(Attempt.Outcome.RETRY);
        assertThat(broken.error()).isEqualTo("answered 500");
    }

    @Test
    void aRedirectIsNeverFollowed() throws Exception {
        int before = hits("/ok");
        Attempt a = send(local, base + "/redirect");
        assertThat(a.outcome()).isEqualTo(Attempt.Outcome.RETRY);
        assertThat(a.error()).contains("302 redirect to " + base + "/ok, not followed");
        assertThat(hits("/ok")).isEqualTo(before);
    }

    @Test
    void aSlowReceiverTimesOutWithinTheDeadline() throws Exception {
        long start = System.nanoTime();
        Attempt a = send(local, base + "/slow");
        assertThat(a.outcome()).isEqualTo(Attempt.Outcome.RETRY);
        assertThat(a.status()).isNull();
        assertThat(a.error()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
    }

    @Test
    void onlyTheHeadOfABigAnswerIsKept() throws Exception {
        Attempt a = send(local, base + "/big");
        assertThat(a.outcome()).isEqualTo(Attempt.Outcome.DELIVERED);
        assertThat(a.responseHead()).hasSize(1024);
    }

    @Test
    void aPrivateAddressIsRefusedBeforeAnyConnection() throws Exception {
        try (WebhookSender publicOnly =
                new WebhookSender(
                        WebhookSender.Settings.defaults(AddressPolicy.publicOnly())
                                .withAllowHttp(true),
                        Clock.systemUTC())) {
            int before = hits("/ok");
            Attempt literal = send(publicOnly, base + "/ok");
            assertThat(literal.outcome()).isEqualTo(Attempt.Outcome.REFUSED);
            assertThat(literal.error()).contains("127.0.0.1 is loopback");
            // A name is checked by the client's resolver on what it resolves to.
            int port = server.getAddress().getPort();
            Attempt named = send(publicOnly, "http://localhost:" + port + "/ok");
            assertThat(named.outcome()).isEqualTo(Attempt.Outcome.REFUSED);
            assertThat(named.error()).contains("localhost resolves to").contains("loopback");
            Attempt mapped = send(publicOnly, "http://[::ffff:127.0.0.1]:" + port + "/ok");
            assertThat(mapped.outcome()).isEqualTo(Attempt.Outcome.REFUSED);
            assertThat(hits("/ok")).as("nothing reached the receiver").isEqualTo(before);
        }
    }

    @Test
    void plainHttpIsRefusedUnlessAllowed() throws Exception {
        try (WebhookSender httpsOnly =
                new WebhookSender(
                        WebhookSender.Settings.defaults(AddressPolicy.allowing("127.0.0.1/32")),
                        Clock.systemUTC())) {
            Attempt a = send(httpsOnly, base + "/ok");
            assertThat(a.outcome()).isEqualTo(Attempt.Outcome.REFUSED);
            assertThat(a.error()).contains("delivery.allow-http");
        }
    }
}
