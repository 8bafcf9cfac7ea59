package io.causality.webhooks;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one webhook: a signed POST to an endpoint, connected only to addresses the {@link
 * AddressPolicy} allows (checked by the client's own DNS resolver, so the connection goes to the
 * address that was checked), redirects never followed, within a deadline, keeping only the first
 * bytes of the answer. Never throws: every way it can go is an {@link Attempt}.
 */
public final class WebhookSender implements AutoCloseable {
    public static final String USER_AGENT = "Causality-Webhooks/1";

    /**
     * @param allowHttp whether plain {@code http://} URLs may be sent to (tests and the local
     *     stack); else only {@code https://}
     * @param timeout the whole attempt, from connecting to the last byte of the answer
     * @param maxPerHost connections to one host and port at once: endpoints on one host share them,
     *     each held to its own limit by the delivery's gate, so this is no lower than that
     * @param responseHeadBytes how much of an answer's body is kept for the delivery log
     */
    public record Settings(
            AddressPolicy policy,
            boolean allowHttp,
            Duration connectTimeout,
            Duration timeout,
            int maxPerHost,
            int maxConnections,
            int responseHeadBytes) {
        public static Settings defaults(AddressPolicy policy) {
            return new Settings(
                    policy, false, Duration.ofSeconds(5), Duration.ofSeconds(15), 200, 200, 1024);
        }

        public Settings withAllowHttp(boolean allow) {
            return new Settings(
                    policy,
                    allow,
                    connectTimeout,
                    timeout,
                    maxPerHost,
                    maxConnections,
                    responseHeadBytes);
        }

        public Settings withTimeout(Duration t) {
            return new Settings(
                    policy,
                    allowHttp,
                    connectTimeout,
                    t,
                    maxPerHost,
                    maxConnections,
                    responseHeadBytes);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final CloseableHttpAsyncClient client;
    private final ScheduledExecutorService deadlines;

    public WebhookSender(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        AddressPolicy policy = settings.policy();
        DnsResolver checked =
                new DnsResolver() {
                    @Override
                    public InetAddress[] resolve(String host) throws UnknownHostException {
                        return policy.resolve(host);
                    }

                    @Override
                    public String resolveCanonicalHostname(String host) {
                        return host;
                    }
                };
        this.client =
                HttpAsyncClients.custom()
                        .setConnectionManager(
                                PoolingAsyncClientConnectionManagerBuilder.create()
                                        .setDnsResolver(checked)
                                        .setMaxConnPerRoute(settings.maxPerHost())
                                        .setMaxConnTotal(settings.maxConnections())
                                        .setDefaultConnectionConfig(
                                                ConnectionConfig.custom()
                                                        .setConnectTimeout(
                                                                timeout(settings.connectTimeout()))
                                                        .setSocketTimeout(
                                                                timeout(settings.timeout()))
                                                        .build())
                                        .build())
                        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                        .setDefaultRequestConfig(
                                RequestConfig.custom()
                                        .setResponseTimeout(timeout(settings.timeout()))
                                        .setConnectionRequestTimeout(timeout(settings.timeout()))
                                        .build())
                        .disableRedirectHandling()
                        .disableAutomaticRetries()
                        .disableCookieManagement()
                        .setUserAgent(USER_AGENT)
                        .build();
        this.client.start();
        this.deadlines =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "webhook-deadlines");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Sends the body to the URL, signed with the secrets, timestamped now.
     *
     * @param id the {@code webhook-id}: the same for every attempt of one message
     */
    public CompletableFuture<Attempt> send(
            URI url, String id, List<WebhookSecret> secrets, byte[] body) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        CompletableFuture<Attempt> result = new CompletableFuture<>();
        String refusal = refusal(url);
        if (refusal != null) {
            result.complete(
                    new Attempt(Attempt.Outcome.REFUSED, started, 0, null, refusal, null, null));
            return result;
        }
        long timestamp = started.getEpochSecond();
        SimpleHttpRequest request =
                SimpleRequestBuilder.post(url)
                        .setBody(body, ContentType.APPLICATION_JSON)
                        .addHeader(WebhookSignature.ID_HEADER, id)
                        .addHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                        .addHeader(
                                WebhookSignature.SIGNATURE_HEADER,
                                WebhookSignature.header(secrets, id, timestamp, body))
                        .build();
        Future<Answer> call =
                client.execute(
                        SimpleRequestProducer.create(request),
                        new HeadConsumer(settings.responseHeadBytes()),
                        new FutureCallback<>() {
                            @Override
                            public void completed(Answer answer) {
                                result.complete(classify(answer, started, millisSince(startNanos)));
                            }

                            @Override
                            public void failed(Exception e) {
                                result.complete(failure(e, started, millisSince(startNanos)));
                            }

                            @Override
                            public void cancelled() {
                                result.complete(
                                        new Attempt(
                                                Attempt.Outcome.RETRY,
                                                started,
                                                millisSince(startNanos),
                                                null,
                                                "timed out after "
                                                        + settings.timeout().toMillis()
                                                        + " ms",
                                                null,
                                                null));
                            }
                        });
        var deadline =
                deadlines.schedule(
                        () -> call.cancel(true),
                        settings.timeout().toMillis(),
                        TimeUnit.MILLISECONDS);
        result.whenComplete((a, e) -> deadline.cancel(false));
        return result;
    }

    /** Why a URL is not sent to before any connection is made, or null. */
    private String refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") && !settings.allowHttp()) {
            return "http:// is not delivered to (only https://); an operator can allow it with"
                    + " delivery.allow-http";
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only https:// URLs are delivered to";
        }
        // An address literal is checked here: the client does not resolve a literal.
        byte[] literal = Network.literal(url.getHost() == null ? "" : url.getHost());
        return literal == null ? null : settings.policy().refusal(literal);
    }

    private static Attempt classify(Answer a, Instant started, long latency) {
        int status = a.status;
        if (status >= 200 && status < 300) {
            return new Attempt(
                    Attempt.Outcome.DELIVERED, started, latency, status, null, a.head, null);
        }
        Duration retryAfter = RetrySchedule.parseRetryAfter(a.retryAfter, started).orElse(null);
        if (status == 410) {
            return new Attempt(
                    Attempt.Outcome.GONE,
                    started,
                    latency,
                    status,
                    "410 Gone: the receiver retired the endpoint",
                    a.head,
                    null);
        }
        String error =
                status >= 300 && status < 400
                        ? status
                                + " redirect"
                                + (a.location == null ? "" : " to " + a.location)
                                + ", not followed"
                        : "answered " + status;
        return new Attempt(
                Attempt.Outcome.RETRY, started, latency, status, error, a.head, retryAfter);
    }

    private static Attempt failure(Exception e, Instant started, long latency) {
        if (e instanceof AddressPolicy.RefusedAddressException) {
            return new Attempt(
                    Attempt.Outcome.REFUSED, started, latency, null, e.getMessage(), null, null);
        }
        String what =
                e instanceof SocketTimeoutException
                                || e instanceof java.util.concurrent.TimeoutException
                        ? "timed out: " + e.getMessage()
                        : e instanceof UnknownHostException
                                ? "unknown host: " + e.getMessage()
                                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new Attempt(Attempt.Outcome.RETRY, started, latency, null, what, null, null);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static Timeout timeout(Duration d) {
        return Timeout.ofMilliseconds(d.toMillis());
    }

    /**
     * Loaded with this class: a job closes its sender while it fails, perhaps after Flink released
     * the job's class loader, and a class first loaded then is an error that stops the TaskManager.
     */
    private static final CloseMode CLOSE_MODE = CloseMode.GRACEFUL;

    @Override
    public void close() {
        deadlines.shutdownNow();
        client.close(CLOSE_MODE);
    }

    /** What came back, the body cut to its first bytes. */
    private record Answer(int status, String head, String retryAfter, String location) {}

    /** Keeps the first bytes of the answer's body and drops the rest as it arrives. */
    private static final class HeadConsumer extends AbstractBinResponseConsumer<Answer> {
        private final int max;
        private final ByteBuffer head;
        private HttpResponse response;

        HeadConsumer(int max) {
            this.max = max;
            this.head = ByteBuffer.allocate(max);
        }

        @Override
        protected void start(HttpResponse response, ContentType contentType) {
            this.response = response;
        }

        @Override
        protected int capacityIncrement() {
            return 8192;
        }

        @Override
        protected void data(ByteBuffer src, boolean endOfStream) {
            int n = Math.min(src.remaining(), head.remaining());
            if (n > 0) {
                ByteBuffer part = src.slice();
                part.limit(n);
                head.put(part);
            }
            src.position(src.limit());
        }

        @Override
        protected Answer buildResult() {
            String text = new String(head.array(), 0, head.position(), StandardCharsets.UTF_8);
            return new Answer(
                    response.getCode(),
                    text.length() > max ? text.substring(0, max) : text,
                    value(response.getFirstHeader("Retry-After")),
                    value(response.getFirstHeader("Location")));
        }

        private static String value(Header h) {
            return h == null ? null : h.getValue();
        }

        @Override
        public void releaseResources() {}
    }
}
