package io.causality.stack.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.segment.SegmentMapper;
import io.causality.schemas.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Seeded, realistic traffic: apps with users and sessions, every built-in type, Segment-style calls
 * for the types Segment has names for, and a share of invalid events of several kinds. The same
 * seed always gives the same events.
 */
public final class DemoTraffic {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<EventType, String> SEGMENT_NAMES =
            SegmentMapper.TRACK_NAMES.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    private static final String[] OS = {"iOS", "Android", "macOS", "Windows", "Linux"};
    private static final String[] CURRENCIES = {"USD", "EUR", "GBP"};

    /** One event to send: either a native envelope or a Segment call, valid or not. */
    public record DemoEvent(String app, ObjectNode body, boolean segment, boolean valid) {}

    private final Random random;
    private final List<String> apps;
    private final double invalidShare;
    private final Instant now;

    public DemoTraffic(long seed, List<String> apps, double invalidShare, Instant now) {
        this.random = new Random(seed);
        this.apps = apps;
        this.invalidShare = invalidShare;
        this.now = now;
    }

    public List<DemoEvent> generate(int count) {
        List<DemoEvent> out = new ArrayList<>(count);
        EventType[] types = EventType.values();
        for (int i = 0; i < count; i++) {
            String app = apps.get(random.nextInt(apps.size()));
            // Every type appears in the first round so that a small demo still shows them all.
            EventType type = i < types.length ? types[i] : types[random.nextInt(types.length)];
            ObjectNode event = nativeEvent(app, type);
            boolean valid = random.nextDouble() >= invalidShare;
            if (!valid) {
                spoil(event);
            }
            if (valid && random.nextInt(3) == 0 && segmentable(type)) {
                out.add(new DemoEvent(app, toSegment(event, type), true, true));
            } else {
                out.add(new DemoEvent(app, event, false, valid));
            }
        }
        return out;
    }

    private static boolean segmentable(EventType type) {
        return SEGMENT_NAMES.containsKey(type)
                || type == EventType.PAGE_VIEW
                || type == EventType.SCREEN_VIEW
                || type == EventType.IDENTIFY
                || type == EventType.CUSTOM;
    }

    /** A valid envelope of the given type. */
    public ObjectNode nativeEvent(String app, EventType type) {
        int user = random.nextInt(50);
        ObjectNode e = NODES.objectNode();
        e.put("event_id", UUID.nameUUIDFromBytes((app + random.nextLong()).getBytes()).toString());
        e.put("type", type.wireName());
        if (type == EventType.CUSTOM) {
            e.put("name", random.nextBoolean() ? "video_played" : "level_completed");
        }
        e.put("anonymous_id", app + "-device-" + user);
        if (random.nextInt(4) != 0) {
            e.put("user_id", app + "-user-" + user);
        }
        e.put("session_id", app + "-session-" + user + "-" + random.nextInt(3));
        Instant at = now.minusSeconds(random.nextInt(3600));
        e.put("timestamp", at.toString());
        e.put("sent_at", at.plusMillis(random.nextInt(5000)).toString());
        ObjectNode ctx = e.putObject("context");
        String os = OS[user % OS.length];
        ctx.putObject("os").put("name", os).put("version", (10 + user % 8) + ".0");
        ctx.putObject("app").put("name", app).put("version", "2." + (user % 5) + ".0");
        ctx.putObject("device")
                .put("id", app + "-device-" + user)
                .put("model", os + "-model-" + (user % 3));
        ctx.put("locale", user % 2 == 0 ? "en-US" : "de-DE");
        ctx.putObject("library").put("name", "causality-demo").put("version", "1.0");
        e.set("properties", properties(type));
        return e;
    }

    private ObjectNode properties(EventType type) {
        ObjectNode p = NODES.objectNode();
        String product = "p-" + random.nextInt(200);
        double price = Math.round(random.nextDouble() * 20000) / 100.0 + 1;
        String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
        switch (type) {
            case APP_INSTALL, APP_OPEN -> p.put("version", "2.4.0");
            case APP_BACKGROUND -> p.put("foreground_ms", random.nextInt(600_000));
            case APP_CRASH -> p.put("exception", "IllegalStateException").put("fatal", true);
            case USER_SIGNUP -> p.put("method", "email").put("plan", "free");
            case USER_LOGIN -> p.put("method", random.nextBoolean() ? "password" : "google");
            case LOGIN_FAILED -> p.put("method", "password").put("reason", "bad_password");
            case USER_LOGOUT -> p.put("reason", "user");
            case IDENTIFY ->
                    p.putObject("traits").put("plan", "pro").put("email_domain", "example.com");
            case GROUP -> p.put("group_id", "acct-" + random.nextInt(10));
            case ALIAS -> p.put("previous_id", "anon-" + random.nextInt(1000));
            case SCREEN_VIEW -> p.put("screen_name", random.nextBoolean() ? "Home" : "Cart");
            case PAGE_VIEW ->
                    p.put("path", "/articles/" + random.nextInt(100)).put("title", "Article");
            case DEEP_LINK_OPEN -> p.put("url", "demo://item/" + product);
            case BUTTON_TAP -> p.put("button_id", "buy_now").put("screen_name", "Product");
            case FORM_SUBMIT -> p.put("form_id", "newsletter").put("success", random.nextBoolean());
            case SEARCH ->
                    p.put("query", "shoes size " + (38 + random.nextInt(8)))
                            .put("results_count", random.nextInt(50));
            case PRODUCT_VIEW ->
                    p.put("product_id", product).put("price", price).put("currency", currency);
            case PRODUCT_LIST_VIEW -> {
                p.put("category", "shoes");
                ArrayNode items = p.putArray("products");
                items.addObject().put("product_id", product).put("price", price);
            }
            case CART_ADD, CART_REMOVE ->
                    p.put("product_id", product)
                            .put("price", price)
                            .put("quantity", 1 + random.nextInt(3))
                            .put("currency", currency);
            case CHECKOUT_START ->
                    p.put("cart_id", "cart-" + random.nextInt(1000))
                            .put("total", price)
                            .put("currency", currency);
            case PURCHASE_COMPLETE -> {
                p.put("order_id", "o-" + random.nextInt(1_000_000))
                        .put("total", price)
                        .put("currency", currency);
                p.putArray("products")
                        .addObject()
                        .put("product_id", product)
                        .put("price", price)
                        .put("quantity", 1);
            }
            case REFUND ->
                    p.put("order_id", "o-" + random.nextInt(1_000_000))
                            .put("total", price)
                            .put("currency", currency);
            case SHARE -> p.put("channel", "whatsapp").put("content_id", product);
            case RATING -> p.put("rating", 1 + random.nextInt(5)).put("max_rating", 5);
            case NOTIFICATION_RECEIVED, NOTIFICATION_OPEN ->
                    p.put("notification_id", "n-" + random.nextInt(100))
                            .put("campaign", "winter_sale");
            case ERROR ->
                    p.put("message", "request timed out")
                            .put("severity", "error")
                            .put("code", "E_TIMEOUT");
            case PERFORMANCE ->
                    p.put("metric", "cold_start")
                            .put("value", 300 + random.nextInt(2000))
                            .put("unit", "ms");
            case CUSTOM -> p.put("duration_s", random.nextInt(600));
        }
        return p;
    }

    /** Makes an event invalid in one of several realistic ways. */
    private void spoil(ObjectNode e) {
        switch (random.nextInt(5)) {
            case 0 -> e.put("type", "purchase_completed");
            case 1 -> {
                e.remove("user_id");
                e.remove("anonymous_id");
            }
            case 2 -> {
                e.put("type", "purchase_complete");
                e.putObject("properties").put("order_id", "o-1").put("total", "twelve");
            }
            case 3 -> e.put("timestamp", "last tuesday");
            default -> {
                e.put("type", "custom");
                e.remove("name");
            }
        }
    }

    /** The same event as a Segment call. */
    private ObjectNode toSegment(ObjectNode e, EventType type) {
        ObjectNode s = NODES.objectNode();
        ObjectNode props = (ObjectNode) e.get("properties");
        switch (type) {
            case PAGE_VIEW -> {
                s.put("type", "page").put("name", "Article");
                s.set("properties", props);
            }
            case SCREEN_VIEW -> {
                s.put("type", "screen").put("name", props.get("screen_name").asText());
                s.set("properties", props);
            }
            case IDENTIFY -> {
                s.put("type", "identify");
                s.set("traits", props.get("traits"));
            }
            case CUSTOM -> {
                s.put("type", "track").put("event", e.get("name").asText());
                s.set("properties", props);
            }
            default -> {
                s.put("type", "track").put("event", SEGMENT_NAMES.get(type));
                s.set("properties", props);
            }
        }
        if (e.has("user_id")) {
            s.set("userId", e.get("user_id"));
        }
        s.set("anonymousId", e.get("anonymous_id"));
        s.set("timestamp", e.get("timestamp"));
        s.set("sentAt", e.get("sent_at"));
        s.put("messageId", "ajs-" + UUID.nameUUIDFromBytes(e.get("event_id").asText().getBytes()));
        ObjectNode ctx = ((ObjectNode) e.get("context")).deepCopy();
        ctx.put("userAgent", "Mozilla/5.0 (demo)");
        s.set("context", ctx);
        return s;
    }
}
