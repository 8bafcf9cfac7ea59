package io.causality.ingest.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventType;
import io.causality.schemas.EventValidator;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentMapperTest {
    private final SegmentMapper mapper = new SegmentMapper();
    private final EventValidator validator = new EventValidator();

    private static JsonNode json(String s) throws IOException {
        return EventJson.mapper().readTree(s);
    }

    @ParameterizedTest
    @CsvSource({
        "Product Viewed, product_view",
        "Order Completed, purchase_complete",
        "Product Added, cart_add",
        "Product Removed, cart_remove",
        "Checkout Started, checkout_start",
        "Order Refunded, refund",
        "Products Searched, search",
        "Signed Up, user_signup",
        "Signed In, user_login",
        "Application Opened, app_open",
        "Push Notification Tapped, notification_open",
        "Video Played, custom"
    })
    void trackNamesMapToBuiltInTypesOrCustom(String name, String type) throws IOException {
        SegmentMapper.Mapped m =
                mapper.map(json("{\"event\":\"" + name + "\",\"userId\":\"u\"}"), "track", "app");
        assertThat(m.problem()).isNull();
        assertThat(m.event().get("type").asText()).isEqualTo(type);
        assertThat(m.event().get("name").asText()).isEqualTo(name);
    }

    @Test
    void mapsIdentityTimesContextAndProperties() throws IOException {
        SegmentMapper.Mapped m =
                mapper.map(
                        json(
                                """
                                {"event":"Order Completed","userId":"u-1","anonymousId":"a-1",
                                 "timestamp":"2026-11-22T10:00:00Z","sentAt":"2026-11-22T10:00:03Z",
                                 "messageId":"ajs-123","integrations":{"All":true},
                                 "context":{"userAgent":"Mozilla","ip":"203.0.113.1","os":{"name":"iOS"}},
                                 "properties":{"order_id":"o-1","total":12.5,"currency":"USD"}}
                                """),
                        "track",
                        "shop");
        ObjectNode e = m.event();
        assertThat(e.get("user_id").asText()).isEqualTo("u-1");
        assertThat(e.get("anonymous_id").asText()).isEqualTo("a-1");
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(e.get("sent_at").asText()).isEqualTo("2026-11-22T10:00:03Z");
        assertThat(e.at("/context/user_agent").asText()).isEqualTo("Mozilla");
        assertThat(e.at("/context/userAgent").isMissingNode()).isTrue();
        assertThat(e.at("/context/source/message_id").asText()).isEqualTo("ajs-123");
        assertThat(e.at("/context/source/api").asText()).isEqualTo("segment");
        assertThat(e.at("/properties/total").asDouble()).isEqualTo(12.5);
        assertThat(e.has("integrations")).isFalse();
        assertThat(validator.validate(e)).isEmpty();
    }

    @Test
    void messageIdsGiveStableEventIds() {
        UUID a = SegmentMapper.eventIdFor("shop", "ajs-1");
        assertThat(SegmentMapper.eventIdFor("shop", "ajs-1")).isEqualTo(a);
        assertThat(SegmentMapper.eventIdFor("news", "ajs-1")).isNotEqualTo(a);
        String uuid = "0190f8a2-7b7e-7c1a-9f00-0123456789ab";
        assertThat(SegmentMapper.eventIdFor("shop", uuid)).isEqualTo(UUID.fromString(uuid));
        assertThat(SegmentMapper.eventIdFor("shop", "x".repeat(36))).isNotNull();
    }

    @Test
    void pageScreenIdentifyGroupAlias() throws IOException {
        assertThat(
                        mapper.map(
                                        json("{\"name\":\"Pricing\",\"anonymousId\":\"a\"}"),
                                        "page",
                                        "x")
                                .event()
                                .get("type")
                                .asText())
                .isEqualTo("page_view");
        ObjectNode screen =
                mapper.map(json("{\"name\":\"Home\",\"anonymousId\":\"a\"}"), "screen", "x")
                        .event();
        assertThat(screen.at("/properties/screen_name").asText()).isEqualTo("Home");
        ObjectNode identify =
                mapper.map(
                                json("{\"userId\":\"u\",\"traits\":{\"plan\":\"pro\"}}"),
                                "identify",
                                "x")
                        .event();
        assertThat(identify.at("/properties/traits/plan").asText()).isEqualTo("pro");
        ObjectNode group =
                mapper.map(json("{\"userId\":\"u\",\"groupId\":\"g\"}"), "group", "x").event();
        assertThat(group.at("/properties/group_id").asText()).isEqualTo("g");
        ObjectNode alias =
                mapper.map(json("{\"userId\":\"u\",\"previousId\":\"p\"}"), "alias", "x").event();
        assertThat(alias.at("/properties/previous_id").asText()).isEqualTo("p");
        for (ObjectNode e : new ObjectNode[] {screen, identify, group, alias}) {
            assertThat(validator.validate(e)).as(e.toString()).isEmpty();
        }
    }

    @Test
    void batchItemsInheritSharedContextAndSentAt() throws IOException {
        ObjectNode batch =
                (ObjectNode)
                        json(
                                "{\"sentAt\":\"2026-11-22T10:00:00Z\",\"context\":{\"library\":{\"name\":\"lib\"},\"locale\":\"en\"}}");
        ObjectNode item =
                (ObjectNode)
                        json(
                                "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"context\":{\"locale\":\"de\"}}");
        SegmentMapper.inheritFromBatch(batch, item);
        assertThat(item.get("sentAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(item.at("/context/locale").asText())
                .as("the item's own value wins")
                .isEqualTo("de");
        assertThat(item.at("/context/library/name").asText()).isEqualTo("lib");
    }

    @Test
    void problemsAreReportedNotThrown() throws IOException {
        assertThat(mapper.map(json("{\"userId\":\"u\"}"), "track", "x").problem().code())
                .isEqualTo("missing_field");
        assertThat(mapper.map(json("{\"type\":\"teleport\"}"), null, "x").problem().code())
                .isEqualTo("invalid_value");
        assertThat(mapper.map(json("{\"userId\":\"u\"}"), null, "x").problem().path())
                .isEqualTo("$.type");
        assertThat(mapper.map(json("[1]"), "track", "x").problem().code())
                .isEqualTo("not_an_object");
    }

    @Test
    void everyMappedTypeExists() {
        SegmentMapper.TRACK_NAMES
                .values()
                .forEach(t -> assertThat(EventType.fromWireName(t.wireName())).contains(t));
    }
}
