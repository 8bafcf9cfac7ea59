package io.causality.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:15:30.123Z");

    @Test
    void roundTripsAnEventWithSnakeCaseNames() throws IOException {
        ObjectNode props =
                EventJson.mapper().createObjectNode().put("order_id", "o-1").put("total", 5);
        Event event =
                new Event(
                        UUID.fromString("0190f8a2-7b7e-7c1a-9f00-0123456789ab"),
                        "shop",
                        "purchase_complete",
                        null,
                        "u-1",
                        "a-1",
                        "s-1",
                        T0,
                        T0,
                        T0.minusSeconds(3),
                        T0.plusSeconds(1),
                        EventJson.mapper().createObjectNode().put("ip", "203.0.113.1"),
                        props);
        byte[] bytes = EventJson.write(event);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text)
                .contains("\"event_id\":\"0190f8a2-7b7e-7c1a-9f00-0123456789ab\"")
                .contains("\"received_at\":\"2026-11-22T10:15:31.123Z\"")
                .doesNotContain("\"name\"");
        assertThat(EventJson.read(bytes)).isEqualTo(event);
        assertThat(new EventValidator().validate(EventJson.mapper().readTree(bytes))).isEmpty();
        assertThat(event.partitionKey()).isEqualTo("shop/a-1");
        assertThat(Event.partitionKey("shop", null, "u-1")).isEqualTo("shop/u-1");
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deep =
                "[".repeat(EventJson.MAX_NESTING_DEPTH + 5)
                        + "]".repeat(EventJson.MAX_NESTING_DEPTH + 5);
        assertThatThrownBy(() -> EventJson.mapper().readTree(deep))
                .isInstanceOf(StreamConstraintsException.class);
    }

    @Test
    void refusesAbsurdlyLongNumbers() {
        String json = "{\"n\":" + "9".repeat(EventJson.MAX_NUMBER_LENGTH + 1) + "}";
        assertThatThrownBy(() -> EventJson.mapper().readTree(json))
                .isInstanceOf(StreamConstraintsException.class);
    }
}
