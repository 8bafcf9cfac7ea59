package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import io.causality.stack.demo.IngestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka goes away under load: every request gets an answer in bounded time, 2xx only for events
 * that are in Kafka afterwards, and the service recovers by itself when the broker is back.
 */
class KafkaOutageIT {
    private static final long ACK_TIMEOUT_MS = 4000;
    private static Pipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = Pipeline.start("outage");
        pipeline.startIngest(Map.of("kafka.ack-timeout", ACK_TIMEOUT_MS + "ms"));
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
    }

    /** One request's outcome as the client saw it. */
    record Outcome(int status, List<String> eventIds, long millis, String retryAfter) {}

    private static List<ObjectNode> batch(int n) {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode e = EventJson.mapper().createObjectNode();
            e.put("event_id", UUID.randomUUID().toString())
                    .put("type", "app_open")
                    .put("anonymous_id", "d-" + i);
            events.add(e);
        }
        return events;
    }

    private static Outcome send(IngestClient client, String key) throws Exception {
        List<ObjectNode> events = batch(20);
        long t0 = System.nanoTime();
        IngestClient.Answer a = client.nativeBatch(key, events);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.get("event_id").asText()));
        if (a.status() == 200) {
            List<String> acked = new ArrayList<>();
            a.body().get("event_ids").forEach(id -> acked.add(id.asText()));
            assertThat(acked).containsExactlyElementsOf(ids);
        }
        return new Outcome(
                a.status(), ids, ms, a.raw().headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void kafkaDownMeans503InBoundedTimeAndNoAcceptedEventIsLost() throws Exception {
        IngestClient client = pipeline.client;
        String key = pipeline.newKey("outage");
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<List<Outcome>>> loops = new ArrayList<>();
        long stopAt = System.nanoTime() + Duration.ofSeconds(14).toNanos();
        for (int t = 0; t < 4; t++) {
            loops.add(
                    senders.submit(
                            () -> {
                                List<Outcome> out = new ArrayList<>();
                                while (System.nanoTime() < stopAt) {
                                    out.add(send(client, key));
                                }
                                return out;
                            }));
        }
        // Let traffic flow, then take the broker away while requests are in flight.
        await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.eventsInKafka() >= 200);
        pipeline.kafka.stop();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<List<Outcome>> f : loops) {
            outcomes.addAll(f.get());
        }
        senders.shutdown();

        List<Outcome> refused = outcomes.stream().filter(o -> o.status() == 503).toList();
        assertThat(refused).as("requests refused while Kafka was down").isNotEmpty();
        assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).isIn(200, 503));
        assertThat(outcomes)
                .as("every request answered within the ack timeout plus a margin")
                .allSatisfy(o -> assertThat(o.millis()).isLessThan(ACK_TIMEOUT_MS + 3000));
        assertThat(refused).allSatisfy(o -> assertThat(o.retryAfter()).isNotNull());

        // The broker comes back on the same ports and data: the service recovers by itself ...
        pipeline.kafka.start(Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> client.nativeBatch(key, batch(1)).status() == 200);

        // ... and every event it answered 200 for is in Kafka.
        Set<String> stored = new HashSet<>(pipeline.readAllEvents().keySet());
        List<String> acknowledged = new ArrayList<>();
        outcomes.stream()
                .filter(o -> o.status() == 200)
                .forEach(o -> acknowledged.addAll(o.eventIds()));
        assertThat(acknowledged).isNotEmpty();
        assertThat(stored).containsAll(acknowledged);
        JsonNode ready =
                client.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(client.baseUrl() + "/ready"))
                                        .build())
                        .body();
        assertThat(ready.get("kafka").asText()).isEqualTo("up");
    }

    /**
     * A misnamed (or deleted) events topic while the cluster answers: on 069312a every record of a
     * 500-event batch blocked its event loop for max.block.ms, so the request and every other one
     * on that loop hung for minutes. Now the health probe finds the topic missing and requests are
     * refused at once, naming it, until it exists.
     */
    @Test
    void aMissingTopicIsRefusedAtOnceAndNeverHoldsTheEventLoop() throws Exception {
        pipeline.kafka.awaitReady(Duration.ofSeconds(90));
        String topic = "causality.missing-" + UUID.randomUUID().toString().substring(0, 8);
        var server = pipeline.startIngest(Map.of("kafka.topic", topic, "http.event-loops", "1"));
        IngestClient client = new IngestClient("http://127.0.0.1:" + server.port());
        try {
            String key = pipeline.newKey("missing-topic");
            java.net.http.HttpRequest batch =
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(client.baseUrl() + "/v1/events/batch"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", IngestClient.basic(key))
                            .header("Content-Type", "application/json")
                            .POST(
                                    java.net.http.HttpRequest.BodyPublishers.ofString(
                                            "{\"events\":"
                                                    + EventJson.mapper()
                                                            .writeValueAsString(batch(500))
                                                    + "}"))
                            .build();
            IngestClient.Answer refused = client.send(batch);
            assertThat(refused.status()).as(refused.body().toString()).isEqualTo(503);
            assertThat(refused.errorCode()).isEqualTo("kafka_unavailable");
            assertThat(refused.body().at("/error/message").asText()).contains(topic);
            JsonNode ready =
                    client.send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(
                                                            client.baseUrl() + "/ready"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build())
                            .body();
            assertThat(ready.get("kafka_problem").asText()).contains(topic);

            // Once the topic exists, the same ingest stores events without a restart.
            pipeline.kafka.createTopics(
                    List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> client.send(batch).status() == 200);
        } finally {
            server.close();
        }
    }
}
