package io.causality.ingest.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import io.causality.schemas.ErrorCodes;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventType;
import io.causality.schemas.Violation;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps calls of Segment's HTTP Tracking API (track, page, screen, identify, group, alias) onto our
 * envelope, so apps instrumented with Segment's or RudderStack's SDKs can send to us unchanged.
 * Event names of Segment's specs become built-in types; any other track becomes {@code custom} with
 * its name kept. Segment-only delivery hints ({@code integrations}, {@code channel}, {@code
 * _metadata}...) have no place in the envelope and are not carried over.
 */
public final class SegmentMapper {
    /** Segment spec event names (e-commerce, lifecycle, ...) and the built-in type each becomes. */
    public static final Map<String, EventType> TRACK_NAMES =
            Map.ofEntries(
                    Map.entry("Application Installed", EventType.APP_INSTALL),
                    Map.entry("Application Opened", EventType.APP_OPEN),
                    Map.entry("Application Backgrounded", EventType.APP_BACKGROUND),
                    Map.entry("Application Crashed", EventType.APP_CRASH),
                    Map.entry("Signed Up", EventType.USER_SIGNUP),
                    Map.entry("Signed In", EventType.USER_LOGIN),
                    Map.entry("Signed Out", EventType.USER_LOGOUT),
                    Map.entry("Deep Link Opened", EventType.DEEP_LINK_OPEN),
                    Map.entry("Products Searched", EventType.SEARCH),
                    Map.entry("Product List Viewed", EventType.PRODUCT_LIST_VIEW),
                    Map.entry("Product Viewed", EventType.PRODUCT_VIEW),
                    Map.entry("Product Added", EventType.CART_ADD),
                    Map.entry("Product Removed", EventType.CART_REMOVE),
                    Map.entry("Checkout Started", EventType.CHECKOUT_START),
                    Map.entry("Order Completed", EventType.PURCHASE_COMPLETE),
                    Map.entry("Order Refunded", EventType.REFUND),
                    Map.entry("Product Shared", EventType.SHARE),
                    Map.entry("Product Reviewed", EventType.RATING),
                    Map.entry("Push Notification Received", EventType.NOTIFICATION_RECEIVED),
                    Map.entry("Push Notification Tapped", EventType.NOTIFICATION_OPEN));

    /** Namespace of the name-based event ids made from Segment message ids. */
    private static final UUID MESSAGE_ID_NAMESPACE =
            UUID.fromString("6f1d8e0a-3c1b-4d5e-9a7f-2b8c4d6e8f10");

    private static final NameBasedGenerator NAME_BASED =
            Generators.nameBasedGenerator(MESSAGE_ID_NAMESPACE);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The mapped event, or the reason it cannot be mapped. */
    public record Mapped(ObjectNode event, Violation problem) {}

    /**
     * Maps one call.
     *
     * @param call the Segment payload
     * @param callType the call type from the endpoint, or null to read {@code type} (batch items)
     * @param appId the app of the write key, for deterministic event ids from message ids
     */
    public Mapped map(JsonNode call, String callType, String appId) {
        if (call == null || !call.isObject()) {
            return problem(ErrorCodes.NOT_AN_OBJECT, "$", "a Segment call must be a JSON object");
        }
        String type = callType != null ? callType : text(call, "type");
        if (type == null) {
            return problem(
                    ErrorCodes.MISSING_FIELD,
                    "$.type",
                    "a batch item needs a type: track, page, screen, identify, group or alias");
        }
        Violation wrongType = wrongType(call, type);
        if (wrongType != null) {
            return new Mapped(null, wrongType);
        }
        ObjectNode event = NODES.objectNode();
        ObjectNode properties = NODES.objectNode();
        switch (type) {
            case "track" -> {
                String name = text(call, "event");
                if (name == null) {
                    return problem(
                            ErrorCodes.MISSING_FIELD,
                            "$.event",
                            "a track call needs an event name");
                }
                EventType mapped = TRACK_NAMES.getOrDefault(name, EventType.CUSTOM);
                event.put(EventFields.TYPE, mapped.wireName());
                event.put(EventFields.NAME, name);
                copyObject(call.get("properties"), properties);
            }
            case "page" -> {
                event.put(EventFields.TYPE, EventType.PAGE_VIEW.wireName());
                copyText(call, "name", event, EventFields.NAME);
                copyObject(call.get("properties"), properties);
            }
            case "screen" -> {
                event.put(EventFields.TYPE, EventType.SCREEN_VIEW.wireName());
                copyText(call, "name", event, EventFields.NAME);
                copyObject(call.get("properties"), properties);
                if (!properties.has("screen_name") && call.hasNonNull("name")) {
                    properties.set("screen_name", call.get("name"));
                }
            }
            case "identify" -> {
                event.put(EventFields.TYPE, EventType.IDENTIFY.wireName());
                copyTraits(call, properties);
            }
            case "group" -> {
                event.put(EventFields.TYPE, EventType.GROUP.wireName());
                copyField(call, "groupId", properties, "group_id");
                copyTraits(call, properties);
            }
            case "alias" -> {
                event.put(EventFields.TYPE, EventType.ALIAS.wireName());
                copyField(call, "previousId", properties, "previous_id");
            }
            default -> {
                return problem(
                        ErrorCodes.INVALID_VALUE,
                        "$.type",
                        "unknown Segment call type '"
                                + type
                                + "'; expected track, page, screen, identify, group or alias");
            }
        }
        copyField(call, "userId", event, EventFields.USER_ID);
        copyField(call, "anonymousId", event, EventFields.ANONYMOUS_ID);
        copyField(call, "sentAt", event, EventFields.SENT_AT);
        if (call.has("timestamp")) {
            copyField(call, "timestamp", event, EventFields.TIMESTAMP);
        } else {
            copyField(call, "originalTimestamp", event, EventFields.TIMESTAMP);
        }
        ObjectNode context = mapContext(call.get("context"));
        String messageId = text(call, "messageId");
        if (messageId != null) {
            event.put(EventFields.EVENT_ID, eventIdFor(appId, messageId).toString());
            sourceOf(context).put("message_id", messageId);
        }
        sourceOf(context).put("api", "segment");
        event.set(EventFields.CONTEXT, context);
        event.set(EventFields.PROPERTIES, properties);
        return new Mapped(event, null);
    }

    /**
     * The event id for a Segment message id: the id itself when it is a UUID, else a name-based
     * UUID of app and message id, so a retried message gets the same id and is deduplicated.
     */
    public static UUID eventIdFor(String appId, String messageId) {
        try {
            if (messageId.length() == 36) {
                return UUID.fromString(messageId);
            }
        } catch (IllegalArgumentException notAUuid) {
            // fall through to the name-based id
        }
        return NAME_BASED.generate(appId + ":" + messageId);
    }

    /** Fills fields of a batch's shared context and sentAt into an item that lacks them. */
    public static void inheritFromBatch(JsonNode batch, ObjectNode item) {
        if (!item.has("sentAt") && batch.hasNonNull("sentAt")) {
            item.set("sentAt", batch.get("sentAt"));
        }
        JsonNode shared = batch.get("context");
        if (shared != null && shared.isObject()) {
            JsonNode own = item.get("context");
            ObjectNode merged = shared.deepCopy();
            if (own != null && own.isObject()) {
                merged.setAll((ObjectNode) own);
            }
            item.set("context", merged);
        }
    }

    /**
     * The JSON type each field of a Segment call must have when present (null counts as absent).
     */
    private static final List<Map.Entry<String, JsonNodeType>> FIELD_TYPES =
            List.of(
                    Map.entry("type", JsonNodeType.STRING),
                    Map.entry("event", JsonNodeType.STRING),
                    Map.entry("name", JsonNodeType.STRING),
                    Map.entry("messageId", JsonNodeType.STRING),
                    Map.entry("userId", JsonNodeType.STRING),
                    Map.entry("anonymousId", JsonNodeType.STRING),
                    Map.entry("groupId", JsonNodeType.STRING),
                    Map.entry("previousId", JsonNodeType.STRING),
                    Map.entry("timestamp", JsonNodeType.STRING),
                    Map.entry("originalTimestamp", JsonNodeType.STRING),
                    Map.entry("sentAt", JsonNodeType.STRING),
                    Map.entry("properties", JsonNodeType.OBJECT),
                    Map.entry("traits", JsonNodeType.OBJECT),
                    Map.entry("context", JsonNodeType.OBJECT),
                    Map.entry("integrations", JsonNodeType.OBJECT));

    /**
     * A field of the wrong JSON type is refused, as the native API refuses one, never dropped or
     * changed. Segment's libraries send ids as strings; a number id is refused too rather than
     * turned into text, so that what is stored is what was sent.
     */
    private static Violation wrongType(JsonNode call, String type) {
        for (Map.Entry<String, JsonNodeType> f : FIELD_TYPES) {
            JsonNode v = call.get(f.getKey());
            if (v != null && !v.isNull() && v.getNodeType() != f.getValue()) {
                return new Violation(
                        ErrorCodes.WRONG_TYPE,
                        "$." + f.getKey(),
                        f.getKey()
                                + " must be "
                                + (f.getValue() == JsonNodeType.OBJECT ? "an object" : "a string")
                                + " in a "
                                + type
                                + " call, got "
                                + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        JsonNode context = call.get("context");
        JsonNode source = context == null ? null : context.get(EventFields.CONTEXT_SOURCE);
        if (source != null && !source.isNull() && !source.isObject()) {
            return new Violation(
                    ErrorCodes.WRONG_TYPE,
                    "$.context.source",
                    "context.source must be an object; the ingest records the call's origin there");
        }
        return null;
    }

    private static ObjectNode mapContext(JsonNode context) {
        ObjectNode out = NODES.objectNode();
        if (context == null || !context.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = context.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key =
                    e.getKey().equals("userAgent") ? EventFields.CONTEXT_USER_AGENT : e.getKey();
            out.set(key, e.getValue());
        }
        return out;
    }

    private static ObjectNode sourceOf(ObjectNode context) {
        JsonNode s = context.get(EventFields.CONTEXT_SOURCE);
        if (s instanceof ObjectNode o) {
            return o;
        }
        return context.putObject(EventFields.CONTEXT_SOURCE);
    }

    private static void copyTraits(JsonNode call, ObjectNode properties) {
        // Kept as one object under properties.traits: one level deeper than sent, which the check
        // of the stored event holds to the readers' nesting limit.
        JsonNode traits = call.get("traits");
        if (traits != null && !traits.isNull()) {
            properties.set("traits", traits);
        }
    }

    private static void copyObject(JsonNode from, ObjectNode into) {
        if (from != null && from.isObject()) {
            into.setAll((ObjectNode) from);
        }
    }

    private static void copyField(JsonNode from, String name, ObjectNode into, String as) {
        JsonNode v = from.get(name);
        if (v != null && !v.isNull()) {
            into.set(as, v);
        }
    }

    private static void copyText(JsonNode from, String name, ObjectNode into, String as) {
        String v = text(from, name);
        if (v != null && !v.isEmpty()) {
            into.put(as, v);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static Mapped problem(String code, String path, String message) {
        return new Mapped(null, new Violation(code, path, message));
    }
}
