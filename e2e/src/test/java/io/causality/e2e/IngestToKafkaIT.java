package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.auth.KeyAdmin;
import io.causality.ingest.auth.RequestSignature;
import io.causality.ingest.server.IngestServer;
import io.causality.schemas.EventJson;
import io.causality.stack.demo.IngestClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events over HTTP into the real Kafka broker, with keys from the real PostgreSQL. */
@ExtendWith(SharedPipeline.class)
class IngestToKafkaIT {
    private static final Instant SENT = Instant.parse("2026-11-22T10:00:05Z");
    private static Pipeline pipeline;
    private static IngestClient client;

    @BeforeAll
    static void setUp(Pipeline p) {
        pipeline = p;
        client = p.client;
    }

    private static ObjectNode purchase(String user, double total) {
        ObjectNode e = EventJson.mapper().createObjectNode();
        e.put("event_id", UUID.randomUUID().toString());
        e.put("type", "purchase_complete");
        e.put("user_id", user);
        e.put("anonymous_id", "dev-" + user);
        e.put("timestamp", "2026-11-22T10:00:00Z");
        e.put("sent_at", SENT.toString());
        e.putObject("context").putObject("os").put("name", "iOS");
        e.putObject("properties")
                .put("order_id", "o-" + user)
                .put("total", total)
                .put("currency", "EUR");
        return e;
    }

    @Test
    void eventsReadBackFromKafkaEqualWhatWasSentPlusEnrichment() throws Exception {
        String key = pipeline.newKey("shop");
        List<ObjectNode> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(purchase("u" + i, 10 + i));
        }
        Instant before = Instant.now();
        IngestClient.Answer a = client.nativeBatch(key, sent);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.accepted()).isEqualTo(20);

        Map<String, ConsumerRecord<String, byte[]>> stored = pipeline.readAllEvents();
        for (ObjectNode e : sent) {
            ConsumerRecord<String, byte[]> r = stored.get(e.get("event_id").asText());
            assertThat(r).as("event %s in Kafka", e.get("event_id")).isNotNull();
            assertThat(r.key()).isEqualTo("shop/" + e.get("anonymous_id").asText());
            JsonNode got = Pipeline.json(r.value());
            // What the client sent is there unchanged ...
            assertThat(got.get("properties")).isEqualTo(e.get("properties"));
            assertThat(got.get("user_id")).isEqualTo(e.get("user_id"));
            assertThat(got.at("/context/os/name").asText()).isEqualTo("iOS");
            // ... plus what the server knows.
            assertThat(got.get("app_id").asText()).isEqualTo("shop");
            assertThat(Instant.parse(got.get("received_at").asText()))
                    .isAfterOrEqualTo(before.minusMillis(1));
            assertThat(got.at("/context/ip").asText()).isEqualTo("127.0.0.1");
            assertThat(got.at("/context/source/api").asText()).isEqualTo("native");
            assertThat(got.get("original_timestamp").asText()).isEqualTo("2026-11-22T10:00:00Z");
            // Clock skew: the event happened 5 s before the send, so 5 s before received_at.
            assertThat(
                            Duration.between(
                                    Instant.parse(got.get("timestamp").asText()),
                                    Instant.parse(got.get("received_at").asText())))
                    .isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void serverAssignsTimeOrderedIdsAndIgnoresAppIdInTheBody() throws Exception {
        String key = pipeline.newKey("news");
        ObjectNode e = EventJson.mapper().createObjectNode();
        e.put("type", "page_view").put("anonymous_id", "a-1").put("app_id", "someone-else");
        IngestClient.Answer a =
                client.post("/v1/events", key, EventJson.mapper().writeValueAsBytes(e));
        assertThat(a.status()).isEqualTo(200);
        String id = a.body().get("event_ids").get(0).asText();
        assertThat(UUID.fromString(id).version()).isEqualTo(7);
        JsonNode got = Pipeline.json(pipeline.readAllEvents().get(id).value());
        assertThat(got.get("app_id").asText()).isEqualTo("news");
    }

    @Test
    void segmentCallsAreMappedToBuiltInTypes() throws Exception {
        String key = pipeline.newKey("segment-app");
        String body =
                """
                {"batch":[
                  {"type":"track","event":"Order Completed","userId":"u-9","messageId":"m-1",
                   "properties":{"order_id":"o-9","total":42.5,"currency":"USD"}},
                  {"type":"track","event":"Video Played","anonymousId":"a-9","messageId":"m-2"},
                  {"type":"page","name":"Pricing","anonymousId":"a-9","messageId":"m-3","properties":{"path":"/pricing"}},
                  {"type":"screen","name":"Home","anonymousId":"a-9","messageId":"m-4"},
                  {"type":"identify","userId":"u-9","traits":{"plan":"pro"},"messageId":"m-5"},
                  {"type":"group","userId":"u-9","groupId":"acme","messageId":"m-6"},
                  {"type":"alias","userId":"u-9","previousId":"a-9","messageId":"m-7"}
                ],"context":{"userAgent":"analytics-node/1.0","library":{"name":"analytics-node"}},
                 "sentAt":"2026-11-22T10:00:00Z"}
                """;
        IngestClient.Answer a =
                client.post("/v1/batch", key, body.getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.accepted()).isEqualTo(7);
        assertThat(a.body().get("success").asBoolean()).isTrue();
        Map<String, ConsumerRecord<String, byte[]>> stored = pipeline.readAllEvents();
        List<String> types = new ArrayList<>();
        for (JsonNode id : a.body().get("event_ids")) {
            JsonNode got = Pipeline.json(stored.get(id.asText()).value());
            types.add(got.get("type").asText());
            assertThat(got.at("/context/user_agent").asText()).isEqualTo("analytics-node/1.0");
            assertThat(got.at("/context/source/api").asText()).isEqualTo("segment");
        }
        assertThat(types)
                .containsExactly(
                        "purchase_complete",
                        "custom",
                        "page_view",
                        "screen_view",
                        "identify",
                        "group",
                        "alias");

        // A retried Segment message gets the same event id, so downstream dedup counts it once.
        IngestClient.Answer retry =
                client.post(
                        "/v1/track",
                        key,
                        "{\"event\":\"Order Completed\",\"userId\":\"u-9\",\"messageId\":\"m-1\",\"properties\":{\"order_id\":\"o-9\",\"total\":42.5}}"
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body().get("event_ids").get(0))
                .isEqualTo(a.body().get("event_ids").get(0));
    }

    @Test
    void gzipBodiesAreAccepted() throws Exception {
        String key = pipeline.newKey("gz");
        byte[] json =
                EventJson.mapper()
                        .writeValueAsBytes(
                                Map.of("events", List.of(purchase("g1", 1), purchase("g2", 2))));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(json);
        }
        IngestClient.Answer a =
                client.send(
                        HttpRequest.newBuilder(URI.create(client.baseUrl() + "/v1/events/batch"))
                                .header("Authorization", IngestClient.basic(key))
                                .header("Content-Type", "application/json")
                                .header("Content-Encoding", "gzip")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(buf.toByteArray()))
                                .build());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.accepted()).isEqualTo(2);
    }

    @Test
    void partlyInvalidBatchStoresTheValidEventsAndReportsEachRejectedOne() throws Exception {
        String key = pipeline.newKey("mixed");
        ObjectNode bad = purchase("x", 1);
        ((ObjectNode) bad.get("properties")).remove("total");
        ObjectNode alsoBad = purchase("y", 1).put("type", "purchase_completed");
        long before = pipeline.eventsInKafka();
        IngestClient.Answer a =
                client.nativeBatch(key, List.of(purchase("a", 1), bad, purchase("b", 2), alsoBad));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.accepted()).isEqualTo(2);
        assertThat(a.body().get("rejected")).hasSize(2);
        assertThat(a.body().at("/rejected/0/index").asInt()).isEqualTo(1);
        assertThat(a.body().at("/rejected/0/code").asText()).isEqualTo("missing_field");
        assertThat(a.body().at("/rejected/0/path").asText()).isEqualTo("$.properties.total");
        assertThat(a.body().at("/rejected/1/index").asInt()).isEqualTo(3);
        assertThat(a.body().at("/rejected/1/message").asText())
                .contains("did you mean 'purchase_complete'");
        assertThat(pipeline.eventsInKafka() - before).isEqualTo(2);
    }

    @Test
    void revokedKeyIsRefused() throws Exception {
        KeyAdmin.NewKey k = pipeline.keys.create("revokable", "test", false);
        assertThat(client.nativeBatch(k.plainKey(), List.of(purchase("r", 1))).status())
                .isEqualTo(200);
        assertThat(pipeline.keys.revoke(k.record().keyId())).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () -> {
                            IngestClient.Answer a =
                                    client.nativeBatch(k.plainKey(), List.of(purchase("r", 1)));
                            assertThat(a.status()).isEqualTo(401);
                            assertThat(a.errorCode()).isEqualTo("invalid_write_key");
                        });
    }

    /**
     * Request shapes of Segment's other libraries: /v1/import (analytics-ruby, analytics-java),
     * with a trailing slash, /v1/b (the mobile libraries), the one-letter calls and the write key
     * only in the body (analytics.js, as text/plain with no Authorization header).
     */
    @Test
    void segmentsOtherPathsAndTheWriteKeyInTheBodyAreAccepted() throws Exception {
        String key = pipeline.newKey("segment-shapes");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String batch =
                "{\"batch\":[{\"type\":\"track\",\"event\":\"Video Played\",\"userId\":\"u-"
                        + run
                        + "\",\"messageId\":\"m-import-"
                        + run
                        + "\"}],\"sentAt\":\""
                        + Instant.now()
                        + "\",\"context\":{\"library\":{\"name\":\"analytics-ruby\"}},"
                        + "\"integrations\":{},\"_metadata\":{\"x\":1}}";
        List<String> paths = List.of("/v1/import", "/v1/import/", "/v1/b", "/v1/batch/");
        for (int i = 0; i < paths.size(); i++) {
            byte[] body =
                    batch.replace("m-import-", "m" + i + "-").getBytes(StandardCharsets.UTF_8);
            IngestClient.Answer a = client.post(paths.get(i), key, body);
            assertThat(a.status()).as(paths.get(i) + ": " + a.body()).isEqualTo(200);
        }
        java.util.function.Function<String, HttpRequest> bodyKey =
                body ->
                        HttpRequest.newBuilder(URI.create(client.baseUrl() + "/v1/t"))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build();
        IngestClient.Answer track =
                client.send(
                        bodyKey.apply(
                                "{\"event\":\"Video Played\",\"userId\":\"u-"
                                        + run
                                        + "\",\"writeKey\":\""
                                        + key
                                        + "\"}"));
        assertThat(track.status()).as(track.body().toString()).isEqualTo(200);
        IngestClient.Answer none = client.send(bodyKey.apply("{\"event\":\"x\",\"userId\":\"u\"}"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorCode()).isEqualTo("missing_write_key");
        IngestClient.Answer wrong =
                client.send(
                        bodyKey.apply(
                                "{\"event\":\"x\",\"userId\":\"u\",\"writeKey\":\""
                                        + io.causality.ingest.auth.WriteKeys.generate()
                                        + "\"}"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("invalid_write_key");
        // All five events are in Kafka, the app's.
        long mine =
                pipeline.readAllEvents().values().stream()
                        .map(r -> Pipeline.json(r.value()))
                        .filter(e -> e.path("user_id").asText().equals("u-" + run))
                        .filter(e -> e.path("app_id").asText().equals("segment-shapes"))
                        .count();
        assertThat(mine).isEqualTo(5);
    }

    /** The stored form of one event sent with the given extra headers. */
    private static JsonNode storedAfter(
            IngestClient to, String key, String event, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(to.baseUrl() + "/v1/events"))
                        .header("Authorization", IngestClient.basic(key))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(event));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        IngestClient.Answer a = to.send(b.build());
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        String id = a.body().get("event_ids").get(0).asText();
        return Pipeline.json(pipeline.readAllEvents().get(id).value());
    }

    /**
     * Issue 10, seen on the local stack: an event sent with a 2,000-character User-Agent was
     * answered 200 and stored with it, which the schemas (and so the jobs) refuse. Now the header
     * is cut to the schema's 1,024 characters and the stored event is valid.
     */
    @Test
    void anEventWithALongUserAgentHeaderIsStoredAsAValidEvent() throws Exception {
        String agent = "Mozilla/5.0 " + "x".repeat(2000);
        JsonNode stored =
                storedAfter(
                        client,
                        pipeline.newKey("long-agent"),
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}",
                        "User-Agent",
                        agent);
        assertThat(new io.causality.schemas.EventValidator().validate(stored)).isEmpty();
        assertThat(stored.at("/context/user_agent").asText()).isEqualTo(agent.substring(0, 1024));
    }

    /** A leap second passed the schema and then failed the batch with 500 on 069312a. */
    @Test
    void aLeapSecondIsStoredAsTheLastMillisecondBeforeIt() throws Exception {
        JsonNode stored =
                storedAfter(
                        client,
                        pipeline.newKey("leap"),
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\","
                                + "\"timestamp\":\"2016-12-31T23:59:60Z\"}");
        assertThat(stored.get("timestamp").asText()).isEqualTo("2016-12-31T23:59:59.999Z");
    }

    /**
     * Behind one trusted proxy the client is the entry that proxy appended (the rightmost), not the
     * leftmost one, which the client wrote itself (taken on 069312a).
     */
    @Test
    void forwardedForIsReadAtTheEntryOfTheTrustedProxy() throws Exception {
        IngestServer proxied = pipeline.startIngest(Map.of("http.trust-forwarded-for", "true"));
        try {
            JsonNode stored =
                    storedAfter(
                            new IngestClient("http://127.0.0.1:" + proxied.port()),
                            pipeline.newKey("proxied"),
                            "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}",
                            "X-Forwarded-For",
                            "203.0.113.66, 198.51.100.7");
            assertThat(stored.at("/context/ip").asText()).isEqualTo("198.51.100.7");
        } finally {
            proxied.close();
        }
    }

    @Test
    void keyCreatedWhileRunningWorksAtOnce() throws Exception {
        String key = pipeline.newKey("fresh");
        assertThat(client.nativeBatch(key, List.of(purchase("f", 1))).status()).isEqualTo(200);
    }

    @Test
    void signedKeyNeedsAValidSignature() throws Exception {
        KeyAdmin.NewKey k = pipeline.keys.create("backend", "server", true);
        // The secret the key admin hands out is the one the ingest checks against.
        String secret = k.signingSecret();
        assertThat(secret)
                .isEqualTo(
                        new RequestSignature(Pipeline.SIGNING_SECRET, Duration.ofMinutes(5))
                                .secretFor(k.record().keyId()));
        byte[] body = EventJson.mapper().writeValueAsBytes(purchase("s", 1));
        IngestClient.Answer unsigned = client.post("/v1/events", k.plainKey(), body);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.errorCode()).isEqualTo("signature_required");

        long now = Instant.now().getEpochSecond();
        HttpRequest request =
                signedRequest(
                        k.plainKey(),
                        now,
                        RequestSignature.sign(secret, now, "POST", "/v1/events", body),
                        body);
        IngestClient.Answer signed = client.send(request);
        assertThat(signed.status()).as(signed.body().toString()).isEqualTo(200);

        // The same signed request again is a replay (on 069312a it was stored a second time).
        IngestClient.Answer replayed = client.send(request);
        assertThat(replayed.status()).as(replayed.body().toString()).isEqualTo(401);
        assertThat(replayed.errorCode()).isEqualTo("signature_replayed");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theOlderV1SignatureIsStillAcceptedOnceInThisRelease() throws Exception {
        KeyAdmin.NewKey k = pipeline.keys.create("backend-v1", "server", true);
        String secret =
                new RequestSignature(Pipeline.SIGNING_SECRET, Duration.ofMinutes(5))
                        .secretFor(k.record().keyId());
        byte[] body = EventJson.mapper().writeValueAsBytes(purchase("v1", 1));
        long now = Instant.now().getEpochSecond();
        HttpRequest request =
                signedRequest(k.plainKey(), now, RequestSignature.sign(secret, now, body), body);
        assertThat(client.send(request).status()).isEqualTo(200);
        assertThat(client.send(request).errorCode()).isEqualTo("signature_replayed");
    }

    static HttpRequest signedRequest(String key, long ts, String signature, byte[] body) {
        return HttpRequest.newBuilder(URI.create(client.baseUrl() + "/v1/events"))
                .header("Authorization", IngestClient.basic(key))
                .header("Content-Type", "application/json")
                .header(RequestSignature.TIMESTAMP_HEADER, Long.toString(ts))
                .header(RequestSignature.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    @Test
    void rateLimitAnswers429WithRetryAfterAndLimitHeaders() throws Exception {
        IngestServer limited =
                pipeline.startIngest(
                        Map.of("rate-limit.requests-per-second", "1", "rate-limit.burst", "2"));
        try {
            IngestClient c = new IngestClient("http://127.0.0.1:" + limited.port());
            String key = pipeline.newKey("limited");
            IngestClient.Answer first = c.nativeBatch(key, List.of(purchase("l", 1)));
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.raw().headers().firstValue("X-RateLimit-Limit")).contains("2");
            assertThat(first.raw().headers().firstValue("X-RateLimit-Remaining")).contains("1");
            c.nativeBatch(key, List.of(purchase("l", 1)));
            IngestClient.Answer third = c.nativeBatch(key, List.of(purchase("l", 1)));
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.errorCode()).isEqualTo("rate_limited");
            assertThat(third.raw().headers().firstValue("Retry-After")).contains("1");
            assertThat(third.raw().headers().firstValue("X-RateLimit-Remaining")).contains("0");
            assertThat(limited.metrics().scrape())
                    .contains(
                            "causality_ingest_requests_total{endpoint=\"/v1/events/batch\",status=\"429\"} 1.0");
        } finally {
            limited.stop();
        }
    }

    @Test
    void corsAnswersOnlyForConfiguredOrigins() throws Exception {
        HttpRequest ok =
                HttpRequest.newBuilder(URI.create(client.baseUrl() + "/v1/events"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "POST")
                        .build();
        IngestClient.Answer a = client.send(ok);
        assertThat(a.status()).isEqualTo(204);
        assertThat(a.raw().headers().firstValue("Access-Control-Allow-Origin"))
                .contains("https://app.example.com");
    }

    @Test
    void aClientOfferingAnHttp2UpgradeIsAnsweredOverHttp11() throws Exception {
        // java.net.http offers h2c by default; the answer must still come.
        java.net.http.HttpResponse<String> r =
                java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_2)
                        .build()
                        .send(
                                HttpRequest.newBuilder(URI.create(client.baseUrl() + "/ready"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
    }

    @Test
    void metricsHealthAndReadiness() throws Exception {
        String key = pipeline.newKey("metrics");
        client.nativeBatch(key, List.of(purchase("m", 1)));
        String metrics =
                new String(
                        client.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(client.baseUrl() + "/metrics"))
                                                .build())
                                .raw()
                                .body(),
                        StandardCharsets.UTF_8);
        assertThat(metrics)
                .contains("causality_ingest_events_accepted_total{api=\"native\"}")
                .contains("causality_ingest_produce_latency_seconds_bucket")
                .contains("causality_ingest_batch_size")
                .contains("causality_ingest_kafka_up 1.0");
        assertThat(
                        client.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(client.baseUrl() + "/ready"))
                                                .build())
                                .status())
                .isEqualTo(200);
        assertThat(
                        client.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(client.baseUrl() + "/health"))
                                                .build())
                                .status())
                .isEqualTo(200);
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(data);
        }
        return buf.toByteArray();
    }
}
