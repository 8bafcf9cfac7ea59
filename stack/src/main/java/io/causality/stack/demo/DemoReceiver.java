package io.causality.stack.demo;

import com.sun.net.httpserver.HttpServer;
import io.causality.webhooks.WebhookSecret;
import io.causality.webhooks.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's webhook receiver on 127.0.0.1: what a user's own receiver would do. It checks every
 * request's Standard Webhooks signature with the endpoint's secret, answers 200 to a good one and
 * 401 to a bad one, and counts what it got by webhook-id (a retried delivery is counted once, as a
 * receiver deduplicating on webhook-id would).
 */
public final class DemoReceiver implements AutoCloseable {
    /** Paths are {@code /hooks/<app>/<endpoint>}. */
    public static String path(String app, String endpoint) {
        return "/hooks/" + app + "/" + endpoint;
    }

    private final HttpServer server;
    private final Map<String, WebhookSecret> secrets = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> verifiedIds = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, String> lastBody = new ConcurrentHashMap<>();
    private final Map<String, String> lastByType = new ConcurrentHashMap<>();

    public DemoReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(
                Executors.newFixedThreadPool(
                        4,
                        r -> {
                            Thread t = new Thread(r, "demo-receiver");
                            t.setDaemon(true);
                            return t;
                        }));
        server.createContext(
                "/hooks/",
                ex -> {
                    String path = ex.getRequestURI().getPath();
                    byte[] body = ex.getRequestBody().readAllBytes();
                    WebhookSecret secret = secrets.get(path);
                    String id = ex.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
                    String ts = ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
                    String sig = ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
                    boolean ok = false;
                    try {
                        ok =
                                secret != null
                                        && id != null
                                        && ts != null
                                        && WebhookSignature.verify(
                                                secret, id, Long.parseLong(ts), body, sig);
                    } catch (NumberFormatException e) {
                        ok = false;
                    }
                    if (ok) {
                        verifiedIds
                                .computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet())
                                .add(id);
                        String text = new String(body, StandardCharsets.UTF_8);
                        lastBody.put(path, text);
                        lastByType.put(typeOf(body), path + " received " + text);
                    } else {
                        refused.incrementAndGet();
                    }
                    byte[] answer =
                            (ok ? "ok" : "signature does not verify")
                                    .getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(ok ? 200 : 401, answer.length);
                    ex.getResponseBody().write(answer);
                    ex.close();
                });
        server.start();
    }

    public String url(String app, String endpoint) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path(app, endpoint);
    }

    /** The secret the endpoint signs with. */
    public void expect(String app, String endpoint, WebhookSecret secret) {
        secrets.put(path(app, endpoint), secret);
    }

    /** Distinct webhook-ids received with a good signature, by path. */
    public Map<String, Set<String>> verified() {
        return verifiedIds;
    }

    public long refused() {
        return refused.get();
    }

    /**
     * The last verified webhook of each body type ({@code rule.matched}, {@code anomaly.firing},
     * ...).
     */
    public Map<String, String> lastByType() {
        return new java.util.TreeMap<>(lastByType);
    }

    private static String typeOf(byte[] body) {
        try {
            return io.causality.schemas.EventJson.mapper().readTree(body).path("type").asText("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** The last verified body of a path, to show one. */
    public String lastBody(String app, String endpoint) {
        return lastBody.get(path(app, endpoint));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
