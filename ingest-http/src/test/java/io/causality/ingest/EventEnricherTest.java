package io.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventEnricherTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-22T12:00:00.123Z");
    private static final EventEnricher.Origin ORIGIN =
            new EventEnricher.Origin("shop", "198.51.100.7", "curl/8", "native", RECEIVED);
    private final EventEnricher enricher = new EventEnricher();

    private static ObjectNode event(String json) throws IOException {
        return (ObjectNode) EventJson.mapper().readTree(json);
    }

    @Test
    void correctsClientClockSkewFromSentAt() throws IOException {
        // The client's clock is an hour behind, but the event happened 2 s before the send.
        ObjectNode e =
                event(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":\"2026-11-22T11:00:00Z\",\"sent_at\":\"2026-11-22T11:00:02+00:00\"}");
        enricher.enrich(e, ORIGIN);
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-11-22T11:59:58.123Z");
        assertThat(e.get("original_timestamp").asText()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(e.get("sent_at").asText()).isEqualTo("2026-11-22T11:00:02Z");
        assertThat(e.get("received_at").asText()).isEqualTo("2026-11-22T12:00:00.123Z");
    }

    @Test
    void keepsTimestampWithoutSentAtAndNormalisesOffsets() throws IOException {
        ObjectNode e =
                event(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":\"2026-11-22T13:00:00+02:00\"}");
        enricher.enrich(e, ORIGIN);
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-11-22T11:00:00Z");
    }

    @Test
    void eventWithoutTimestampHappenedWhenReceived() throws IOException {
        ObjectNode e = event("{\"type\":\"app_open\",\"anonymous_id\":\"a\"}");
        enricher.enrich(e, ORIGIN);
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-11-22T12:00:00.123Z");
        assertThat(e.has("original_timestamp")).isFalse();
    }

    @Test
    void appComesFromTheKeyAndIdsAreAssignedOnlyWhenMissing() throws IOException {
        ObjectNode e =
                event("{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"app_id\":\"forged\"}");
        enricher.enrich(e, ORIGIN);
        assertThat(e.get("app_id").asText()).isEqualTo("shop");
        assertThat(UUID.fromString(e.get("event_id").asText()).version()).isEqualTo(7);

        ObjectNode own =
                event(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"event_id\":\"0190f8a2-7b7e-7c1a-9f00-0123456789ab\"}");
        enricher.enrich(own, ORIGIN);
        assertThat(own.get("event_id").asText()).isEqualTo("0190f8a2-7b7e-7c1a-9f00-0123456789ab");
    }

    @Test
    void contextGetsIpAndAgentUnlessTheClientSetThem() throws IOException {
        ObjectNode e = event("{\"type\":\"app_open\",\"anonymous_id\":\"a\"}");
        enricher.enrich(e, ORIGIN);
        assertThat(e.at("/context/ip").asText()).isEqualTo("198.51.100.7");
        assertThat(e.at("/context/user_agent").asText()).isEqualTo("curl/8");
        assertThat(e.at("/context/source/api").asText()).isEqualTo("native");
        assertThat(e.get("properties").isObject()).isTrue();

        ObjectNode server =
                event(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"context\":{\"ip\":\"203.0.113.5\",\"user_agent\":\"iPhone\"}}");
        enricher.enrich(server, ORIGIN);
        assertThat(server.at("/context/ip").asText()).isEqualTo("203.0.113.5");
        assertThat(server.at("/context/user_agent").asText()).isEqualTo("iPhone");
    }
}
