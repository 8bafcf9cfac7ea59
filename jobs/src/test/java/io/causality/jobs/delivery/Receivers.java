package io.causality.jobs.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.causality.webhooks.WebhookSecret;
import io.causality.webhooks.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local webhook receivers on 127.0.0.1 for the delivery tests: each path behaves its own way and
 * records what it received, with whether the signature verified under the endpoint's secret.
 */
public final class Receivers implements AutoCloseable {
    /** One request as received. */
    public record Received(
            String path, String webhookId, boolean verified, String body, long atMillis) {}

    /** How a path answers its n-th request (1-based). */
    public interface Behaviour {
        void answer(HttpExchange ex, int n) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, WebhookSecret> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    public final List<Received> received = new CopyOnWriteArrayList<>();

    public Receivers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void route(String path, WebhookSecret secret, Behaviour behaviour) {
        secrets.put(path, secret);
        server.createContext(
                path,
                ex -> {
                    byte[] body = ex.getRequestBody().readAllBytes();
                    String id = ex.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
                    String ts = ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
                    String sig = ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
                    boolean ok =
                            id != null
                                    && ts != null
                                    && WebhookSignature.verify(
                                            secrets.get(path), id, Long.parseLong(ts), body, sig);
                    received.add(
                            new Received(
                                    path,
                                    id,
                                    ok,
                                    new String(body, StandardCharsets.UTF_8),
                                    System.currentTimeMillis()));
                    int n =
                            counts.computeIfAbsent(path, p -> new AtomicInteger())
                                    .incrementAndGet();
                    behaviour.answer(ex, n);
                });
    }

    public static void answer(HttpExchange ex, int status, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] b = ("status " + status).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    public List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
