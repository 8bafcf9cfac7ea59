package io.causality.schemas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Small factories of valid events for tests. */
final class SampleEvents {
    private static final Map<EventType, String> MINIMAL_PROPERTIES =
            Map.ofEntries(
                    Map.entry(EventType.APP_CRASH, "{\"exception\":\"NullPointerException\"}"),
                    Map.entry(EventType.LOGIN_FAILED, "{\"reason\":\"bad_password\"}"),
                    Map.entry(EventType.GROUP, "{\"group_id\":\"acme\"}"),
                    Map.entry(EventType.ALIAS, "{\"previous_id\":\"anon-1\"}"),
                    Map.entry(EventType.SCREEN_VIEW, "{\"screen_name\":\"Home\"}"),
                    Map.entry(EventType.DEEP_LINK_OPEN, "{\"url\":\"shop://item/1\"}"),
                    Map.entry(EventType.BUTTON_TAP, "{\"button_id\":\"buy\"}"),
                    Map.entry(EventType.FORM_SUBMIT, "{\"form_id\":\"signup\"}"),
                    Map.entry(EventType.SEARCH, "{\"query\":\"shoes\"}"),
                    Map.entry(EventType.PRODUCT_VIEW, "{\"product_id\":\"p-1\"}"),
                    Map.entry(EventType.CART_ADD, "{\"product_id\":\"p-1\"}"),
                    Map.entry(EventType.CART_REMOVE, "{\"product_id\":\"p-1\"}"),
                    Map.entry(EventType.PURCHASE_COMPLETE, "{\"order_id\":\"o-1\",\"total\":12.5}"),
                    Map.entry(EventType.REFUND, "{\"order_id\":\"o-1\"}"),
                    Map.entry(EventType.RATING, "{\"rating\":4}"),
                    Map.entry(EventType.ERROR, "{\"message\":\"timeout\"}"),
                    Map.entry(EventType.PERFORMANCE, "{\"metric\":\"cold_start\",\"value\":812}"));

    private SampleEvents() {}

    /** A valid event of the given type with only what its schema requires. */
    static ObjectNode minimal(EventType type) {
        try {
            ObjectNode event = EventJson.mapper().createObjectNode();
            event.put("type", type.wireName());
            event.put("anonymous_id", "device-1");
            if (type == EventType.CUSTOM) {
                event.put("name", "video_played");
            }
            event.set(
                    "properties",
                    EventJson.mapper().readTree(MINIMAL_PROPERTIES.getOrDefault(type, "{}")));
            return event;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode purchase(String user, double total) {
        ObjectNode event = minimal(EventType.PURCHASE_COMPLETE);
        event.put("user_id", user);
        ((ObjectNode) event.get("properties")).put("total", total).put("currency", "EUR");
        return event;
    }
}
