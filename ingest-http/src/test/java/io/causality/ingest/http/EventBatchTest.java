package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.ingest.EventEnricher;
import io.causality.ingest.EventPipeline;
import io.causality.ingest.IngestMetrics;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBatchTest {
    private final IngestMetrics metrics = new IngestMetrics();
    private final EventBatch batches =
            new EventBatch(
                    new EventPipeline(
                            new EventValidator(), 1 << 20, 32 * 1024, Duration.ofHours(24)),
                    3,
                    metrics,
                    EventJson.mapper());
    private final EventEnricher.Origin origin =
            new EventEnricher.Origin(
                    "shop",
                    "198.51.100.7",
                    "test/1.0",
                    "native",
                    Instant.parse("2026-12-03T10:00:00Z"));

    @AfterEach
    void close() {
        metrics.close();
    }

    private static JsonNode json(String s) throws Exception {
        return EventJson.mapper().readTree(s);
    }

    @Test
    void validEventsGoOutAndTheOthersAreRefusedByIndex() throws Exception {
        EventBatch.Outcome out =
                batches.process(
                        Endpoint.EVENT_BATCH,
                        json(
                                "{\"events\": [{\"type\": \"app_open\", \"anonymous_id\": \"a1\"},"
                                        + " {\"type\": \"no_such_type\", \"anonymous_id\": \"a2\"},"
                                        + " {\"type\": \"app_open\", \"anonymous_id\": \"a3\"}]}"),
                        origin);
        assertThat(out.events()).isEqualTo(3);
        assertThat(out.accepted()).isEqualTo(2);
        assertThat(out.refused()).isEqualTo(1);
        assertThat(out.eventIds()).hasSize(2);
        assertThat(out.rejected()).isNotEmpty();
        assertThat(out.rejected()).allSatisfy(r -> assertThat(r.get("index").asInt()).isEqualTo(1));
        assertThat(out.bytes())
                .isEqualTo(out.outgoing().stream().mapToLong(o -> o.value().length).sum());
        JsonNode stored = EventJson.mapper().readTree(out.outgoing().get(0).value());
        assertThat(stored.path("app_id").asText()).as("the key's app").isEqualTo("shop");
        assertThat(stored.path("event_id").asText()).isEqualTo(out.eventIds().get(0).asText());
        assertThat(metrics.scrape()).contains("causality_ingest_events_rejected");
    }

    @Test
    void anEmptyOrOversizedBatchIsRefusedAsAWhole() throws Exception {
        assertThatThrownBy(
                        () ->
                                batches.process(
                                        Endpoint.EVENT_BATCH, json("{\"events\": []}"), origin))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.EMPTY_BATCH));
        String four = "{\"type\": \"app_open\", \"anonymous_id\": \"a\"}";
        assertThatThrownBy(
                        () ->
                                batches.process(
                                        Endpoint.EVENT_BATCH,
                                        json("[" + String.join(",", four, four, four, four) + "]"),
                                        origin))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.BATCH_TOO_LARGE))
                .hasMessageContaining("at most 3 events, this one has 4");
    }

    @Test
    void aSegmentCallTakesItsTypeFromTheEndpoint() throws Exception {
        EventBatch.Outcome out =
                batches.process(
                        Endpoint.SCREEN,
                        json("{\"anonymousId\": \"a1\", \"name\": \"Home\"}"),
                        origin);
        assertThat(out.accepted()).isEqualTo(1);
        JsonNode stored = EventJson.mapper().readTree(out.outgoing().get(0).value());
        assertThat(stored.path("type").asText()).isEqualTo("screen_view");
    }
}
