package io.causality.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.causality.ingest.auth.WriteKeys;
import io.causality.ingest.kafka.EventPublisher;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.causality.schemas.Violation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.logging.log4j.CloseableThreadContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every HTTP request of the ingest service. Runs on Vert.x event loops and never blocks
 * them: the only blocking call (looking up a write key that is not cached) goes to a worker, and
 * Kafka acknowledgements come back on the request's own context.
 */
public final class IngestHandler implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String JSON = "application/json";

    private final Vertx vertx;
    private final IngestConfig config;
    private final KeyCache keys;
    private final RequestSignature signatures;
    private final RateLimiter rateLimiter;
    private final Cors cors;
    private final BodyDecoder decoder;
    private final EventPipeline pipeline;
    private final KeyLookups lookups;
    private final Map<String, Future<Optional<WriteKey>>> inFlightLookups =
            new ConcurrentHashMap<>();
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final BooleanSupplier draining;
    private final ObjectMapper mapper;
    private final RequestBody bodies;

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
        this.signatures = new RequestSignature(config.signingSecret(), config.signatureSkew());
        this.rateLimiter = new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst());
        this.cors = new Cors(config.corsAllowedOrigins());
        this.decoder = new BodyDecoder(config.maxDecompressedBytes());
        this.lookups =
                new KeyLookups(config.unknownKeyLookupsPerSecond(), config.maxPendingKeyLookups());
        this.pipeline =
                new EventPipeline(
                        validator,
                        (int) config.maxDecompressedBytes(),
                        config.maxEventBytes(),
                        config.maxFutureEventTime());
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.draining = draining;
        this.mapper =
                EventJson.newMapper(
                        EventJson.MAX_NESTING_DEPTH, (int) config.maxDecompressedBytes());
        this.bodies = new RequestBody(pipeline.reader());
    }

    /** One request from arrival to answer. */
    private static final class Exchange {
        final HttpServerRequest req;
        final String requestId;
        final long startNanos = System.nanoTime();
        final String endpointLabel;
        Endpoint endpoint;
        WriteKey key;
        RateLimiter.Decision rate;
        boolean corsAllowed;
        boolean answered;
        boolean closeAfter;
        int accepted;
        int rejected;

        Exchange(HttpServerRequest req, String requestId, String endpointLabel) {
            this.req = req;
            this.requestId = requestId;
            this.endpointLabel = endpointLabel;
        }
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
                        req, requestId, endpoint != null ? endpoint.path() : operational(path));
        ex.endpoint = endpoint;
        try {
            if (endpoint == null) {
                handleOperational(ex, path);
                return;
            }
            handleEvents(ex);
        } catch (ApiException e) {
            fail(ex, e.error(), e.getMessage());
        } catch (RuntimeException e) {
            internalError(ex, e);
        }
    }

    private static String operational(String path) {
        return switch (path) {
            case "/health", "/ready", "/metrics" -> path;
            default -> "other";
        };
    }

    private void handleOperational(Exchange ex, String path) throws ApiException {
        if (!path.equals("/health") && !path.equals("/ready") && !path.equals("/metrics")) {
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
            case "/health" -> respond(ex, 200, mapper.createObjectNode().put("status", "up"));
            case "/ready" -> {
                String kafkaProblem = publisher.problem();
                boolean kafka = kafkaProblem == null;
                boolean keyStore = keys.healthy();
                boolean ready = kafka && keyStore && !draining.getAsBoolean();
                ObjectNode body = mapper.createObjectNode();
                body.put("status", ready ? "ready" : "not_ready");
                body.put("kafka", kafka ? "up" : "down");
                if (!kafka) {
                    body.put("kafka_problem", kafkaProblem);
                }
                body.put("key_store", keyStore ? "up" : "down");
                body.put("draining", draining.getAsBoolean());
                respond(ex, ready ? 200 : 503, body);
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
            throw new ApiException(
                    ApiError.ORIGIN_NOT_ALLOWED,
                    "origin "
                            + origin
                            + " is not allowed; an operator can add it to cors.allowed-origins");
        }
        checkContentType(req.getHeader("Content-Type"));
        String authorization = req.getHeader("Authorization");
        if ((authorization == null || authorization.isBlank())
                && ex.endpoint.api() == Endpoint.Api.SEGMENT) {
            // Segment's browser and mobile libraries may send the key only as writeKey in the
            // body: the body (bounded as always) is read first, and the key taken from it.
            checkContentLength(ex);
            readBody(ex);
            return;
        }
        resolveKey(ex, writeKey(authorization), key -> authenticated(ex, key));
    }

    /** What to do with a key once it is known. */
    private interface KeyAction {
        void accept(WriteKey key) throws ApiException;
    }

    /**
     * The key from the cache, or from PostgreSQL behind the lookup gate (then asynchronously, on
     * the request's event loop): {@code then} runs with it, or the request is answered with why
     * not.
     */
    private void resolveKey(Exchange ex, String plainKey, KeyAction then) throws ApiException {
        String hash = WriteKeys.hash(plainKey);
        WriteKey cached = keys.cached(hash).orElse(null);
        if (cached != null) {
            then.accept(cached);
            return;
        }
        if (keys.knownMiss(hash)) {
            throw invalidKey();
        }
        // One lookup per key at a time: requests for a key being looked up wait for that lookup
        // (a new key used by many clients at once is one query, and passes the gate once).
        Promise<Optional<WriteKey>> mine = Promise.promise();
        Future<Optional<WriteKey>> shared = inFlightLookups.putIfAbsent(hash, mine.future());
        if (shared == null) {
            shared = mine.future();
            startLookup(ex, hash, mine);
        }
        Context context = vertx.getOrCreateContext();
        shared.onComplete(
                ar ->
                        context.runOnContext(
                                v -> {
                                    try {
                                        if (ar.failed()) {
                                            throw lookupFailure(ex, ar.cause());
                                        }
                                        then.accept(
                                                ar.result().orElseThrow(IngestHandler::invalidKey));
                                    } catch (ApiException e) {
                                        fail(ex, e.error(), e.getMessage());
                                    } catch (RuntimeException e) {
                                        internalError(ex, e);
                                    }
                                }));
    }

    /** Looks a key up behind the gate and completes the shared lookup with what it found. */
    private void startLookup(Exchange ex, String hash, Promise<Optional<WriteKey>> result) {
        KeyLookups.Verdict verdict = lookups.tryStart(clientIp(ex.req));
        if (verdict != KeyLookups.Verdict.GO) {
            metrics.keyLookup(verdict == KeyLookups.Verdict.BUSY ? "busy" : "limited");
            inFlightLookups.remove(hash, result.future());
            result.fail(
                    verdict == KeyLookups.Verdict.BUSY
                            ? new ApiException(
                                    ApiError.KEY_LOOKUPS_BUSY,
                                    "too many new write keys are being looked up; retry after 1 s")
                            : new ApiException(
                                    ApiError.TOO_MANY_UNKNOWN_KEYS,
                                    "too many unknown write keys from this address; check the key"
                                            + " and retry after 1 s"));
            return;
        }
        vertx.executeBlocking(() -> keys.lookup(hash), false)
                .onComplete(
                        ar -> {
                            lookups.finished();
                            inFlightLookups.remove(hash, result.future());
                            metrics.keyLookup(
                                    ar.failed()
                                            ? "failed"
                                            : ar.result().isPresent() ? "found" : "unknown");
                            if (ar.failed()) {
                                LOG.warn(
                                        "write key lookup failed (request {})",
                                        ex.requestId,
                                        ar.cause());
                            }
                            result.handle(ar);
                        });
    }

    /** The answer to a request whose key could not be looked up. */
    private static ApiException lookupFailure(Exchange ex, Throwable cause) {
        if (cause instanceof ApiException e) {
            ex.req.response().putHeader("Retry-After", "1");
            return e;
        }
        return new ApiException(
                ApiError.KEY_STORE_UNAVAILABLE, "the key store does not answer; retry shortly");
    }

    private static ApiException invalidKey() {
        return new ApiException(
                ApiError.INVALID_WRITE_KEY, "the write key is unknown or was revoked");
    }

    private void authenticated(Exchange ex, WriteKey key) throws ApiException {
        limit(ex, key);
        checkContentLength(ex);
        readBody(ex);
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

    private void readBody(Exchange ex) {
        Buffer body = Buffer.buffer();
        ex.req.handler(
                chunk -> {
                    if (ex.answered) {
                        return;
                    }
                    if (body.length() + chunk.length() > config.maxBodyBytes()) {
                        ex.closeAfter = true;
                        ApiException e = bodyTooLarge();
                        fail(ex, e.error(), e.getMessage());
                        return;
                    }
                    body.appendBuffer(chunk);
                });
        ex.req.exceptionHandler(
                e -> {
                    if (!ex.answered) {
                        LOG.debug("request {} broke off: {}", ex.requestId, e.toString());
                        ex.answered = true;
                    }
                });
        ex.req.endHandler(
                v -> {
                    if (ex.answered) {
                        return;
                    }
                    try {
                        onBody(ex, body.getBytes());
                    } catch (ApiException e) {
                        fail(ex, e.error(), e.getMessage());
                    } catch (RuntimeException e) {
                        internalError(ex, e);
                    }
                });
        ex.req.resume();
    }

    private void onBody(Exchange ex, byte[] raw) throws ApiException {
        if (ex.key == null) {
            // The key is in the body (Segment's writeKey): read it, then go on as with a header.
            byte[] json = decoder.decode(raw, ex.req.getHeader("Content-Encoding"));
            JsonNode root = bodies.parse(json);
            JsonNode given = root.get("writeKey");
            if (given == null || !given.isTextual()) {
                throw new ApiException(
                        ApiError.MISSING_WRITE_KEY,
                        "send the write key as HTTP Basic user name, as Authorization: Bearer"
                                + " <key>, or (Segment's API) as writeKey in the body");
            }
            if (!WriteKeys.wellFormed(given.textValue())) {
                throw invalidKey();
            }
            resolveKey(
                    ex,
                    given.textValue(),
                    key -> {
                        limit(ex, key);
                        verifySignature(ex, raw);
                        onEvents(ex, root);
                    });
            return;
        }
        verifySignature(ex, raw);
        byte[] json = decoder.decode(raw, ex.req.getHeader("Content-Encoding"));
        onEvents(ex, bodies.parse(json));
    }

    private void onEvents(Exchange ex, JsonNode root) throws ApiException {
        List<JsonNode> items = RequestBody.items(ex.endpoint, root);
        if (items.isEmpty()) {
            throw new ApiException(ApiError.EMPTY_BATCH, "the batch holds no events");
        }
        if (items.size() > config.maxBatchEvents()) {
            throw new ApiException(
                    ApiError.BATCH_TOO_LARGE,
                    "a batch holds at most "
                            + config.maxBatchEvents()
                            + " events, this one has "
                            + items.size());
        }
        metrics.batch(items.size());
        String appId = ex.key.appId();
        EventEnricher.Origin origin =
                new EventEnricher.Origin(
                        appId,
                        clientIp(ex.req),
                        ex.req.getHeader("User-Agent"),
                        ex.endpoint.api().label(),
                        clock.instant());
        ArrayNode rejected = mapper.createArrayNode();
        ArrayNode eventIds = mapper.createArrayNode();
        List<EventPublisher.Outgoing> outgoing = new ArrayList<>(items.size());
        EventPipeline.Call call =
                new EventPipeline.Call(
                        ex.endpoint.api() == Endpoint.Api.SEGMENT,
                        ex.endpoint.segmentCall(),
                        ex.endpoint.batch(),
                        root);
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            EventPipeline.Result result = pipeline.process(items.get(i), call, origin);
            if (!result.accepted()) {
                reject(rejected, i, result.problems());
                continue;
            }
            bytes += result.value().length;
            eventIds.add(result.eventId());
            outgoing.add(new EventPublisher.Outgoing(result.key(), result.value()));
        }
        ex.accepted = outgoing.size();
        ex.rejected = items.size() - outgoing.size();
        if (outgoing.isEmpty()) {
            ObjectNode body =
                    errorBody(ex, ApiError.VALIDATION_FAILED, validationMessage(items.size()));
            body.set("rejected", rejected);
            ex.accepted = 0;
            respond(ex, ApiError.VALIDATION_FAILED.status(), body);
            return;
        }
        publish(ex, outgoing, bytes, rejected, eventIds);
    }

    private static String validationMessage(int n) {
        return n == 1
                ? "the event is not valid; see rejected for what to fix"
                : "none of the " + n + " events is valid; see rejected for what to fix";
    }

    private void publish(
            Exchange ex,
            List<EventPublisher.Outgoing> outgoing,
            long bytes,
            ArrayNode rejected,
            ArrayNode eventIds) {
        String kafkaProblem = publisher.problem();
        if (kafkaProblem != null) {
            refuseUnstored(
                    ex,
                    ApiError.KAFKA_UNAVAILABLE,
                    "the event log (Kafka) is unavailable ("
                            + kafkaProblem
                            + "); nothing was stored, retry with the same event_ids",
                    5,
                    eventIds,
                    rejected);
            return;
        }
        if (!publisher.tryReserve(bytes)) {
            refuseUnstored(
                    ex,
                    ApiError.OVERLOADED,
                    "too many events awaiting storage; nothing was stored, retry shortly with the same event_ids",
                    1,
                    eventIds,
                    rejected);
            return;
        }
        Context context = vertx.getOrCreateContext();
        long sent = System.nanoTime();
        long timer =
                vertx.setTimer(
                        config.kafkaAckTimeout().toMillis() + 1000,
                        id -> {
                            if (!ex.answered) {
                                refuseUnstored(
                                        ex,
                                        ApiError.KAFKA_UNAVAILABLE,
                                        "Kafka did not acknowledge in time; the events may or may not be stored, retry with the same event_ids",
                                        5,
                                        eventIds,
                                        rejected);
                            }
                        });
        publisher.publish(
                outgoing,
                bytes,
                (acked, error) ->
                        context.runOnContext(
                                v -> {
                                    vertx.cancelTimer(timer);
                                    metrics.produced(System.nanoTime() - sent);
                                    if (ex.answered) {
                                        return;
                                    }
                                    if (error != null) {
                                        LOG.warn(
                                                "Kafka refused events of request {}: {}",
                                                ex.requestId,
                                                error.toString());
                                        refuseUnstored(
                                                ex,
                                                ApiError.KAFKA_UNAVAILABLE,
                                                "Kafka did not store the events ("
                                                        + error.getClass().getSimpleName()
                                                        + "); retry with the same event_ids",
                                                5,
                                                eventIds,
                                                rejected);
                                        return;
                                    }
                                    metrics.accepted(ex.endpoint.api().label(), acked);
                                    ObjectNode body = mapper.createObjectNode();
                                    body.put("success", true);
                                    body.put("request_id", ex.requestId);
                                    body.put("accepted", acked);
                                    body.set("rejected", rejected);
                                    body.set("event_ids", eventIds);
                                    respond(ex, 200, body);
                                }));
    }

    /** Answers 503 for events that were valid but could not be stored. */
    private void refuseUnstored(
            Exchange ex,
            ApiError error,
            String message,
            int retryAfterSeconds,
            ArrayNode eventIds,
            ArrayNode rejected) {
        metrics.rejected(error.code(), ex.accepted);
        ex.accepted = 0;
        ex.req.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        ObjectNode body = errorBody(ex, error, message);
        body.set("event_ids", eventIds);
        body.set("rejected", rejected);
        respond(ex, error.status(), body);
    }

    private void reject(ArrayNode rejected, int index, List<Violation> violations) {
        metrics.rejected(violations.get(0).code(), 1);
        for (Violation v : violations) {
            rejected.addObject()
                    .put("index", index)
                    .put("code", v.code())
                    .put("path", v.path())
                    .put("message", v.message());
        }
    }

    private void verifySignature(Exchange ex, byte[] raw) throws ApiException {
        String ts = ex.req.getHeader(RequestSignature.TIMESTAMP_HEADER);
        String sig = ex.req.getHeader(RequestSignature.SIGNATURE_HEADER);
        if (!ex.key.signingRequired() && ts == null && sig == null) {
            return;
        }
        RequestSignature.Failure failure =
                signatures.verify(
                        ex.key.keyId(),
                        ts,
                        sig,
                        ex.req.method().name(),
                        ex.req.path(),
                        raw,
                        clock.instant());
        if (failure == null) {
            return;
        }
        switch (failure) {
            case MISSING ->
                    throw new ApiException(
                            ApiError.SIGNATURE_REQUIRED,
                            "this write key requires signed requests: send "
                                    + RequestSignature.TIMESTAMP_HEADER
                                    + " and "
                                    + RequestSignature.SIGNATURE_HEADER);
            case EXPIRED ->
                    throw new ApiException(
                            ApiError.SIGNATURE_EXPIRED,
                            "the signature timestamp is more than "
                                    + config.signatureSkew().toSeconds()
                                    + " s away from the server's clock");
            case REPLAYED ->
                    throw new ApiException(
                            ApiError.SIGNATURE_REPLAYED,
                            "this signature was used before; sign every request (a retry too)"
                                    + " with a new timestamp");
            case MALFORMED ->
                    throw new ApiException(
                            ApiError.INVALID_SIGNATURE,
                            RequestSignature.SIGNATURE_HEADER
                                    + " must be v2=<hex HMAC-SHA256> and "
                                    + RequestSignature.TIMESTAMP_HEADER
                                    + " unix seconds");
            default ->
                    throw new ApiException(
                            ApiError.INVALID_SIGNATURE,
                            "the signature does not match; sign <timestamp>\\n<METHOD>\\n<path>\\n<raw body> (v2) with the key's signing secret");
        }
    }

    private static void checkContentType(String contentType) throws ApiException {
        if (contentType == null) {
            return;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mime.equals(JSON) && !mime.equals("text/plain")) {
            throw new ApiException(
                    ApiError.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + mime + " is not accepted; send application/json");
        }
    }

    /** The write key from {@code Authorization: Basic base64(key:)} or {@code Bearer key}. */
    static String writeKey(String authorization) throws ApiException {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(
                    ApiError.MISSING_WRITE_KEY,
                    "send the write key as HTTP Basic user name or as Authorization: Bearer <key>");
        }
        String key;
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(
                                Base64.getDecoder().decode(value.substring(6).trim()),
                                StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                key = colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                throw invalidKey();
            }
        } else if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = value.substring(7).trim();
        } else {
            throw new ApiException(
                    ApiError.MISSING_WRITE_KEY,
                    "unsupported Authorization scheme; use Basic (key as user name) or Bearer");
        }
        if (!WriteKeys.wellFormed(key)) {
            throw invalidKey();
        }
        return key;
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

    private void preflight(Exchange ex, String origin) throws ApiException {
        if (origin == null || !cors.allows(origin)) {
            throw new ApiException(
                    ApiError.ORIGIN_NOT_ALLOWED,
                    "origin "
                            + origin
                            + " is not allowed; an operator can add it to cors.allowed-origins");
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

    private ObjectNode errorBody(Exchange ex, ApiError error, String message) {
        ObjectNode body = mapper.createObjectNode();
        body.put("success", false);
        body.put("request_id", ex.requestId);
        body.putObject("error").put("code", error.code()).put("message", message);
        // Also at the top, where Segment's analytics-python reads them: without them it takes an
        // error answer for a broken connection and retries even a 4xx.
        body.put("code", error.code());
        body.put("message", message);
        return body;
    }

    private void fail(Exchange ex, ApiError error, String message) {
        if (ex.answered) {
            return;
        }
        if (error == ApiError.RATE_LIMITED) {
            ex.req.response().putHeader("Retry-After", Long.toString(ex.rate.retryAfterSeconds()));
        } else if (error.status() == 503) {
            ex.req.response().putHeader("Retry-After", "5");
        }
        respond(ex, error.status(), errorBody(ex, error, message));
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
                .putHeader("Content-Type", JSON)
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
        resp.end(Buffer.buffer(serialize(body)))
                .onComplete(
                        v -> {
                            if (ex.closeAfter) {
                                closeAfterDraining(ex);
                            }
                        });
        metrics.request(ex.endpointLabel, status);
        log(ex, status, body);
    }

    /**
     * Closes the connection of a refused request, but first reads and drops what the client is
     * still sending, up to twice the body limit and for two seconds at most. Closing a socket that
     * holds unread data resets it, and a client still uploading then loses the answer it has not
     * read yet (it sees a reset instead of "413 body_too_large").
     */
    private void closeAfterDraining(Exchange ex) {
        var connection = ex.req.connection();
        if (ex.req.isEnded()) {
            connection.close();
            return;
        }
        long cap = 2L * config.maxBodyBytes();
        long[] drained = {0};
        long timer = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
        ex.req.handler(
                chunk -> {
                    drained[0] += chunk.length();
                    if (drained[0] > cap) {
                        vertx.cancelTimer(timer);
                        connection.close();
                    }
                });
        ex.req.endHandler(
                end -> {
                    vertx.cancelTimer(timer);
                    connection.close();
                });
        ex.req.resume();
    }

    /** How long a refused request's remaining body is drained before its connection closes. */
    private static final long LINGER_MILLIS = 2_000;

    private void log(Exchange ex, int status, ObjectNode body) {
        if (status < 500 && !LOG.isDebugEnabled()) {
            return;
        }
        try (CloseableThreadContext.Instance ctx =
                CloseableThreadContext.put("request_id", ex.requestId)
                        .put("endpoint", ex.endpointLabel)
                        .put("status", Integer.toString(status))
                        .put("accepted", Integer.toString(ex.accepted))
                        .put("rejected", Integer.toString(ex.rejected))
                        .put(
                                "duration_ms",
                                Long.toString((System.nanoTime() - ex.startNanos) / 1_000_000))) {
            if (ex.key != null) {
                ctx.put("key_id", ex.key.keyId()).put("app_id", ex.key.appId());
            }
            JsonNode error = body.path("error").path("code");
            if (status >= 500) {
                LOG.warn("request answered {} {}", status, error.asText(""));
            } else {
                LOG.debug("request answered {} {}", status, error.asText(""));
            }
        }
    }

    private byte[] serialize(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }
}
