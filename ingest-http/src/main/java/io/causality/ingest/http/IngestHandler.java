package io.causality.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.EventEnricher;
import io.causality.ingest.EventPipeline;
import io.causality.ingest.IngestConfig;
import io.causality.ingest.IngestMetrics;
import io.causality.ingest.auth.KeyCache;
import io.causality.ingest.auth.RequestSignature;
import io.causality.ingest.auth.WriteKey;
import io.causality.ingest.kafka.EventPublisher;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every HTTP request of the ingest service: the order of the steps and the Vert.x glue
 * between them. Each step is its own class, testable without Vert.x or Kafka: {@link Endpoint}
 * (routing), {@link Cors}, {@link Credentials} and {@link KeyResolver} (who sent it), {@link
 * RateLimiter}, {@link SignatureCheck}, {@link BodyStream}, {@link BodyDecoder} and {@link
 * RequestBody} (the body), {@link EventBatch} (the events), {@link EventPublisher} (Kafka), {@link
 * Answers} and {@link AccessLog}. Runs on Vert.x event loops and never blocks them: a key lookup
 * goes to a worker, and what comes back (a key, a Kafka acknowledgement) continues on the request's
 * own context.
 */
public final class IngestHandler implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Vertx vertx;
    private final IngestConfig config;
    private final KeyCache keys;
    private final KeyResolver resolver;
    private final SignatureCheck signatures;
    private final RateLimiter rateLimiter;
    private final Cors cors;
    private final BodyDecoder decoder;
    private final RequestBody bodies;
    private final EventBatch batches;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final Answers answers;
    private final AccessLog accessLog;
    private final LogThrottle kafkaErrorLog;
    private final Clock clock;
    private final BooleanSupplier draining;

    public IngestHandler(
            Vertx vertx,
            IngestConfig config,
            KeyCache keys,
            EventValidator validator,
            EventPublisher publisher,
            IngestMetrics metrics,
            Clock clock,
            BooleanSupplier draining) {
        this.vertx = vertx;
        this.config = config;
        this.keys = keys;
        this.resolver =
                new KeyResolver(
                        keys,
                        new KeyLookups(
                                config.unknownKeyLookupsPerSecond(), config.maxPendingKeyLookups()),
                        task ->
                                vertx.executeBlocking(
                                        () -> {
                                            task.run();
                                            return null;
                                        },
                                        false),
                        metrics);
        this.signatures = new SignatureCheck(config.signingSecret(), config.signatureSkew());
        this.rateLimiter = new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst());
        this.cors = new Cors(config.corsAllowedOrigins());
        this.decoder = new BodyDecoder(config.maxDecompressedBytes());
        EventPipeline pipeline =
                new EventPipeline(
                        validator,
                        (int) config.maxDecompressedBytes(),
                        config.maxEventBytes(),
                        config.maxFutureEventTime());
        ObjectMapper mapper =
                EventJson.newMapper(
                        EventJson.MAX_NESTING_DEPTH, (int) config.maxDecompressedBytes());
        this.bodies = new RequestBody(pipeline.reader());
        this.batches = new EventBatch(pipeline, config.maxBatchEvents(), metrics, mapper);
        this.publisher = publisher;
        this.metrics = metrics;
        this.answers = new Answers(mapper);
        this.accessLog = new AccessLog(LogThrottle::monotonicMillis);
        this.kafkaErrorLog = new LogThrottle(1, LogThrottle::monotonicMillis);
        this.clock = clock;
        this.draining = draining;
    }

    /** One request from arrival to answer. */
    private static final class Exchange {
        final HttpServerRequest req;
        final String requestId;
        final long startNanos = System.nanoTime();
        final Endpoint endpoint;
        final String endpointLabel;
        WriteKey key;
        RateLimiter.Decision rate;
        boolean corsAllowed;
        boolean answered;
        boolean closeAfter;
        int accepted;
        int rejected;

        Exchange(HttpServerRequest req, String requestId, Endpoint endpoint, String label) {
            this.req = req;
            this.requestId = requestId;
            this.endpoint = endpoint;
            this.endpointLabel = label;
        }
    }

    /** A step that may refuse the request. */
    private interface Step<T> {
        void accept(T value) throws ApiException;
    }

    @Override
    public void handle(HttpServerRequest req) {
        String given = req.getHeader("X-Request-Id");
        String requestId =
                given != null && CLIENT_REQUEST_ID.matcher(given).matches()
                        ? given
                        : UUID.randomUUID().toString();
        String path = req.path();
        Endpoint endpoint = Endpoint.forPath(path);
        Exchange ex =
                new Exchange(
                        req, requestId, endpoint, endpoint != null ? endpoint.path() : probe(path));
        guarded(
                ex,
                () -> {
                    if (endpoint == null) {
                        answerProbe(ex, path);
                    } else {
                        handleEvents(ex);
                    }
                });
    }

    /** Runs a step of the request; whatever it throws becomes the request's answer. */
    private void guarded(Exchange ex, ThrowingRunnable step) {
        try {
            step.run();
        } catch (ApiException e) {
            fail(ex, e.error(), e.getMessage());
        } catch (RuntimeException e) {
            internalError(ex, e);
        }
    }

    private interface ThrowingRunnable {
        void run() throws ApiException;
    }

    private static String probe(String path) {
        return switch (path) {
            case "/health", "/ready", "/metrics" -> path;
            default -> "other";
        };
    }

    private void answerProbe(Exchange ex, String path) throws ApiException {
        if (ex.endpointLabel.equals("other")) {
            throw new ApiException(
                    ApiError.NOT_FOUND,
                    "no such endpoint: "
                            + path
                            + "; events go to POST /v1/events, /v1/events/batch or the Segment paths /v1/track ... /v1/batch");
        }
        if (ex.req.method() != HttpMethod.GET && ex.req.method() != HttpMethod.HEAD) {
            ex.req.response().putHeader("Allow", "GET");
            throw new ApiException(ApiError.METHOD_NOT_ALLOWED, path + " answers GET only");
        }
        switch (path) {
            case "/health" -> respond(ex, 200, answers.health());
            case "/ready" -> {
                Answers.Readiness r =
                        new Answers.Readiness(
                                publisher.problem(), keys.healthy(), draining.getAsBoolean());
                respond(ex, r.status(), answers.readiness(r));
            }
            default -> {
                ex.answered = true;
                ex.req
                        .response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape());
                metrics.request(ex.endpointLabel, 200);
            }
        }
    }

    private void handleEvents(Exchange ex) throws ApiException {
        HttpServerRequest req = ex.req;
        String origin = req.getHeader("Origin");
        ex.corsAllowed = origin != null && cors.allows(origin);
        if (req.method() == HttpMethod.OPTIONS) {
            preflight(ex, origin);
            return;
        }
        if (req.method() != HttpMethod.POST) {
            req.response().putHeader("Allow", "POST, OPTIONS");
            throw new ApiException(
                    ApiError.METHOD_NOT_ALLOWED, ex.endpoint.path() + " takes POST only");
        }
        // Hold the body back until the key is known: a refused request costs no body reading.
        req.pause();
        if (draining.getAsBoolean()) {
            throw new ApiException(
                    ApiError.SHUTTING_DOWN, "the service is shutting down; retry shortly");
        }
        if (!cors.allows(origin)) {
            throw originNotAllowed(origin);
        }
        RequestBody.checkContentType(req.getHeader("Content-Type"));
        String authorization = req.getHeader("Authorization");
        if ((authorization == null || authorization.isBlank())
                && ex.endpoint.api() == Endpoint.Api.SEGMENT) {
            // Segment's browser and mobile libraries may send the key only as writeKey in the
            // body: the body (bounded as always) is read first, and the key taken from it.
            checkContentLength(ex);
            readBody(ex, raw -> keyFromBody(ex, raw));
            return;
        }
        withKey(
                ex,
                Credentials.fromAuthorization(authorization),
                key -> {
                    limit(ex, key);
                    checkContentLength(ex);
                    readBody(
                            ex,
                            raw -> {
                                verifySignature(ex, raw);
                                onEvents(ex, parse(ex, raw));
                            });
                });
    }

    /** The key is in the body (Segment's writeKey): read it, then go on as with a header. */
    private void keyFromBody(Exchange ex, byte[] raw) throws ApiException {
        JsonNode root = parse(ex, raw);
        withKey(
                ex,
                Credentials.fromBody(root),
                key -> {
                    limit(ex, key);
                    verifySignature(ex, raw);
                    onEvents(ex, root);
                });
    }

    /**
     * Runs {@code then} with the key's record, at once when it is cached, else on the request's
     * context once it is looked up; a key that cannot be had answers the request with why.
     */
    private void withKey(Exchange ex, String plainKey, Step<WriteKey> then) throws ApiException {
        CompletableFuture<WriteKey> key = resolver.resolve(plainKey, clientIp(ex.req));
        if (key.isDone()) {
            WriteKey found;
            try {
                found = key.join();
            } catch (CompletionException e) {
                throw refusal(e);
            }
            then.accept(found);
            return;
        }
        Context context = vertx.getOrCreateContext();
        key.whenComplete(
                (found, error) ->
                        context.runOnContext(
                                v ->
                                        guarded(
                                                ex,
                                                () -> {
                                                    if (error != null) {
                                                        throw refusal(error);
                                                    }
                                                    then.accept(found);
                                                })));
    }

    private static ApiException refusal(Throwable error) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        if (cause instanceof ApiException e) {
            return e;
        }
        throw new IllegalStateException("key lookup failed unexpectedly", cause);
    }

    /** The key's rate limit: the request counts against it, or is refused with 429. */
    private void limit(Exchange ex, WriteKey key) throws ApiException {
        ex.key = key;
        ex.rate = rateLimiter.tryAcquire(key.keyId());
        if (!ex.rate.allowed()) {
            throw new ApiException(
                    ApiError.RATE_LIMITED,
                    "more than "
                            + config.rateLimitPerSecond()
                            + " requests per second for this key; retry after "
                            + ex.rate.retryAfterSeconds()
                            + " s or send larger batches");
        }
    }

    /** A declared body over the limit is refused before a byte of it is read. */
    private void checkContentLength(Exchange ex) throws ApiException {
        String length = ex.req.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
                    ex.closeAfter = true;
                    throw bodyTooLarge();
                }
            } catch (NumberFormatException e) {
                throw new ApiException(ApiError.MALFORMED_JSON, "Content-Length is not a number");
            }
        }
    }

    private ApiException bodyTooLarge() {
        return new ApiException(
                ApiError.BODY_TOO_LARGE,
                "the request body exceeds "
                        + config.maxBodyBytes()
                        + " bytes; split it into smaller batches");
    }

    private void readBody(Exchange ex, Step<byte[]> then) {
        BodyStream.read(
                ex.req,
                ex.requestId,
                config.maxBodyBytes(),
                () -> ex.answered,
                () -> {
                    ex.closeAfter = true;
                    ApiException e = bodyTooLarge();
                    fail(ex, e.error(), e.getMessage());
                },
                () -> ex.answered = true,
                raw -> guarded(ex, () -> then.accept(raw)));
    }

    private JsonNode parse(Exchange ex, byte[] raw) throws ApiException {
        return bodies.parse(decoder.decode(raw, ex.req.getHeader("Content-Encoding")));
    }

    private void verifySignature(Exchange ex, byte[] raw) throws ApiException {
        signatures.verify(
                ex.key,
                ex.req.getHeader(RequestSignature.TIMESTAMP_HEADER),
                ex.req.getHeader(RequestSignature.SIGNATURE_HEADER),
                ex.req.method().name(),
                ex.req.path(),
                raw,
                clock.instant());
    }

    private void onEvents(Exchange ex, JsonNode root) throws ApiException {
        EventEnricher.Origin origin =
                new EventEnricher.Origin(
                        ex.key.appId(),
                        clientIp(ex.req),
                        ex.req.getHeader("User-Agent"),
                        ex.endpoint.api().label(),
                        clock.instant());
        EventBatch.Outcome batch = batches.process(ex.endpoint, root, origin);
        ex.accepted = batch.accepted();
        ex.rejected = batch.refused();
        if (batch.outgoing().isEmpty()) {
            respond(
                    ex,
                    ApiError.VALIDATION_FAILED.status(),
                    answers.noneValid(ex.requestId, batch.events(), batch.rejected()));
            return;
        }
        publish(ex, batch);
    }

    private void publish(Exchange ex, EventBatch.Outcome batch) {
        ArrayNode eventIds = batch.eventIds();
        ArrayNode rejected = batch.rejected();
        String kafkaProblem = publisher.problem();
        if (kafkaProblem != null) {
            refuseUnstored(
                    ex,
                    ApiError.KAFKA_UNAVAILABLE,
                    "the event log (Kafka) is unavailable ("
                            + kafkaProblem
                            + "); nothing was stored, retry with the same event_ids",
                    5,
                    batch);
            return;
        }
        if (!publisher.tryReserve(batch.bytes())) {
            refuseUnstored(
                    ex,
                    ApiError.OVERLOADED,
                    "too many events awaiting storage; nothing was stored, retry shortly with the same event_ids",
                    1,
                    batch);
            return;
        }
        Context context = vertx.getOrCreateContext();
        long sent = System.nanoTime();
        long timer =
                vertx.setTimer(
                        config.kafkaAckTimeout().toMillis() + 1000,
                        id ->
                                refuseUnstored(
                                        ex,
                                        ApiError.KAFKA_UNAVAILABLE,
                                        "Kafka did not acknowledge in time; the events may or may not be stored, retry with the same event_ids",
                                        5,
                                        batch));
        publisher.publish(
                batch.outgoing(),
                batch.bytes(),
                (acked, error) ->
                        context.runOnContext(
                                v -> {
                                    vertx.cancelTimer(timer);
                                    metrics.produced(System.nanoTime() - sent);
                                    if (ex.answered) {
                                        return;
                                    }
                                    if (error != null) {
                                        long heldBack = kafkaErrorLog.tryAcquire();
                                        if (heldBack >= 0) {
                                            LOG.warn(
                                                    "Kafka refused events of request {}: {} ({} more"
                                                            + " such requests not logged since the last line)",
                                                    ex.requestId,
                                                    error.toString(),
                                                    heldBack);
                                        }
                                        refuseUnstored(
                                                ex,
                                                ApiError.KAFKA_UNAVAILABLE,
                                                "Kafka did not store the events ("
                                                        + error.getClass().getSimpleName()
                                                        + "); retry with the same event_ids",
                                                5,
                                                batch);
                                        return;
                                    }
                                    metrics.accepted(ex.endpoint.api().label(), acked);
                                    respond(
                                            ex,
                                            200,
                                            answers.stored(
                                                    ex.requestId, acked, rejected, eventIds));
                                }));
    }

    /** Answers 503 for events that were valid but could not be stored. */
    private void refuseUnstored(
            Exchange ex,
            ApiError error,
            String message,
            int retryAfterSeconds,
            EventBatch.Outcome batch) {
        if (ex.answered) {
            return;
        }
        metrics.rejected(error.code(), ex.accepted);
        ex.accepted = 0;
        ex.req.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        respond(
                ex,
                error.status(),
                answers.unstored(ex.requestId, error, message, batch.eventIds(), batch.rejected()));
    }

    private String clientIp(HttpServerRequest req) {
        String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        if (!config.trustForwardedFor()) {
            return peer;
        }
        String forwarded =
                ForwardedFor.client(
                        req.headers().getAll("X-Forwarded-For"), config.trustedProxies());
        return forwarded != null ? forwarded : peer;
    }

    private static ApiException originNotAllowed(String origin) {
        return new ApiException(
                ApiError.ORIGIN_NOT_ALLOWED,
                "origin "
                        + origin
                        + " is not allowed; an operator can add it to cors.allowed-origins");
    }

    private void preflight(Exchange ex, String origin) throws ApiException {
        if (origin == null || !cors.allows(origin)) {
            throw originNotAllowed(origin);
        }
        ex.answered = true;
        ex.req
                .response()
                .setStatusCode(204)
                .putHeader("Access-Control-Allow-Origin", origin)
                .putHeader("Vary", "Origin")
                .putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
                .putHeader("Access-Control-Allow-Headers", Cors.ALLOWED_HEADERS)
                .putHeader("Access-Control-Max-Age", "600")
                .putHeader("X-Request-Id", ex.requestId)
                .end();
        metrics.request(ex.endpointLabel, 204);
    }

    private void fail(Exchange ex, ApiError error, String message) {
        if (ex.answered) {
            return;
        }
        Long retryAfter =
                error == ApiError.RATE_LIMITED
                        ? Long.valueOf(ex.rate.retryAfterSeconds())
                        : error.retryAfterSeconds();
        if (retryAfter != null) {
            ex.req.response().putHeader("Retry-After", retryAfter.toString());
        }
        respond(ex, error.status(), answers.error(ex.requestId, error, message));
    }

    private void internalError(Exchange ex, RuntimeException e) {
        LOG.error("request {} failed unexpectedly", ex.requestId, e);
        fail(
                ex,
                ApiError.INTERNAL_ERROR,
                "unexpected server error; quote request id " + ex.requestId);
    }

    private void respond(Exchange ex, int status, ObjectNode body) {
        if (ex.answered) {
            return;
        }
        ex.answered = true;
        if (!ex.req.isEnded()) {
            // The body was not read (the request was refused first): close rather than drain it.
            ex.closeAfter = true;
        }
        HttpServerResponse resp = ex.req.response();
        resp.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Request-Id", ex.requestId)
                .putHeader("Cache-Control", "no-store");
        if (ex.rate != null) {
            resp.putHeader("X-RateLimit-Limit", Long.toString(ex.rate.limit()))
                    .putHeader("X-RateLimit-Remaining", Long.toString(ex.rate.remaining()))
                    .putHeader("X-RateLimit-Reset", Long.toString(ex.rate.resetSeconds()));
        }
        if (ex.corsAllowed) {
            resp.putHeader("Access-Control-Allow-Origin", ex.req.getHeader("Origin"))
                    .putHeader("Vary", "Origin")
                    .putHeader("Access-Control-Expose-Headers", Cors.EXPOSED_HEADERS);
        }
        if (ex.closeAfter) {
            resp.putHeader("Connection", "close");
        }
        resp.end(Buffer.buffer(answers.bytes(body)))
                .onComplete(
                        v -> {
                            if (ex.closeAfter) {
                                BodyStream.closeAfterDraining(
                                        vertx, ex.req, 2L * config.maxBodyBytes());
                            }
                        });
        metrics.request(ex.endpointLabel, status);
        JsonNode code = body.path("error").path("code");
        accessLog.log(
                new AccessLog.Entry(
                        ex.requestId,
                        ex.endpointLabel,
                        status,
                        code.isTextual() ? code.textValue() : null,
                        ex.accepted,
                        ex.rejected,
                        (System.nanoTime() - ex.startNanos) / 1_000_000,
                        ex.key == null ? null : ex.key.keyId(),
                        ex.key == null ? null : ex.key.appId()));
    }
}
