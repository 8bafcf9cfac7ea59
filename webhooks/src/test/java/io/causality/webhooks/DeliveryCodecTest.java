package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryCodecTest {
    private static Delivery delivery() {
        Delivery d = new Delivery();
        d.deliveryId = "a-1";
        d.appId = "shop";
        d.endpoint = "sales";
        d.matchId = "m-1";
        d.rule = "big-order";
        d.ruleVersion = 2;
        d.key = "user-7";
        d.body = "{\"type\":\"rule.matched\"}";
        d.attempts = 3;
        d.dueAtMillis = 1_000;
        d.firstSeenMillis = 500;
        d.ordered = true;
        d.history =
                DeliveryCodec.withAttempt(
                        "[]",
                        1,
                        new Attempt(
                                Attempt.Outcome.RETRY,
                                Instant.parse("2026-12-03T10:00:00Z"),
                                12,
                                503,
                                "answered 503",
                                null,
                                null));
        return d;
    }

    @Test
    void aDeliveryReadsBackAsItWasWritten() {
        Delivery d = delivery();
        Delivery back = DeliveryCodec.read(DeliveryCodec.write(d));
        assertThat(back).usingRecursiveComparison().isEqualTo(d);
        assertThat(back.history).contains("\"status\":503").contains("\"attempt\":1");
    }

    @Test
    void aReplayStartsANewRoundAndKeepsCountingAttempts() {
        Delivery again = delivery().replayed();
        assertThat(again.attempts).isEqualTo(3);
        assertThat(again.roundStart).isEqualTo(3);
        assertThat(again.attemptsThisRound()).isZero();
        assertThat(again.dueAtMillis).isZero();
        assertThat(again.ordered).as("the endpoint says again").isFalse();
        assertThat(DeliveryCodec.read(DeliveryCodec.write(again)))
                .usingRecursiveComparison()
                .isEqualTo(again);
        assertThat(DeliveryCodec.read(DeliveryCodec.write(again.done())).kind)
                .isEqualTo(Delivery.Kind.DONE);
    }

    @Test
    void whatIsNotADeliveryIsRefusedWithWhy() {
        assertThatThrownBy(() -> DeliveryCodec.read("nope".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(
                        () ->
                                DeliveryCodec.read(
                                        "{\"kind\":\"SEND\",\"delivery_id\":\"a\",\"app_id\":\"s\",\"endpoint\":\"e\"}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("needs its body");
        assertThatThrownBy(
                        () ->
                                DeliveryCodec.read(
                                        ("{\"kind\":\"SEND\",\"delivery_id\":\"a\",\"app_id\":\"s\","
                                                        + "\"endpoint\":\"e\",\"body\":\"{}\","
                                                        + "\"attempts\":1,\"round_start\":2}")
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("round_start");
    }

    @Test
    void theBodyTypeIsARuleMatchUnlessTheActionIsAnAnomalys() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var action =
                (com.fasterxml.jackson.databind.node.ObjectNode)
                        mapper.readTree(
                                "{\"rule\":\"r\",\"version\":1,\"match_id\":\"m\",\"app_id\":\"a\","
                                        + "\"time\":\"2026-12-03T10:00:00Z\",\"payload\":{}}");
        assertThat(mapper.readTree(DeliveryCodec.body(action)).path("type").asText())
                .isEqualTo("rule.matched");
        action.put("webhook_type", "anomaly.firing");
        assertThat(mapper.readTree(DeliveryCodec.body(action)).path("type").asText())
                .isEqualTo("anomaly.firing");
        action.put("webhook_type", "account.deleted");
        assertThat(mapper.readTree(DeliveryCodec.body(action)).path("type").asText())
                .isEqualTo("rule.matched");
    }
}
