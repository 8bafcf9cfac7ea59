package io.causality.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Deliveries as JSON, on the retry and dead-letter topics (the delivery job and the {@code
 * causality deliveries} commands both read and write them); and the webhook body made from an
 * action.
 */
public final class DeliveryCodec {
    private static final ObjectMapper JSON = EventJson.mapper();

    private DeliveryCodec() {}

    public static byte[] write(Delivery d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", d.kind.name());
        o.put("delivery_id", d.deliveryId);
        o.put("app_id", d.appId);
        o.put("endpoint", d.endpoint);
        o.put("match_id", d.matchId);
        o.put("rule", d.rule);
        o.put("rule_version", d.ruleVersion);
        if (d.key != null) {
            o.put("key", d.key);
        }
        if (d.body != null) {
            o.put("body", d.body);
        }
        o.put("attempts", d.attempts);
        if (d.roundStart != 0) {
            o.put("round_start", d.roundStart);
        }
        o.put("due_at", d.dueAtMillis);
        o.put("first_seen", d.firstSeenMillis);
        o.put("ordered", d.ordered);
        try {
            o.set("history", JSON.readTree(d.history));
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("a delivery always serialises", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a delivery this job wrote
     */
    public static Delivery read(byte[] bytes) {
        JsonNode o;
        try {
            o = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Delivery d = new Delivery();
        try {
            d.kind = Delivery.Kind.valueOf(text(o, "kind"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind must be SEND or DONE");
        }
        d.deliveryId = text(o, "delivery_id");
        d.appId = text(o, "app_id");
        d.endpoint = text(o, "endpoint");
        d.matchId = o.path("match_id").asText(null);
        d.rule = o.path("rule").asText(null);
        d.ruleVersion = o.path("rule_version").asInt();
        d.key = o.path("key").isTextual() ? o.get("key").asText() : null;
        d.body = o.path("body").isTextual() ? o.get("body").asText() : null;
        if (d.kind == Delivery.Kind.SEND && d.body == null) {
            throw new IllegalArgumentException("a delivery to send needs its body");
        }
        d.attempts = o.path("attempts").asInt();
        d.roundStart = o.path("round_start").asInt();
        if (d.attempts < 0 || d.roundStart < 0 || d.roundStart > d.attempts) {
            throw new IllegalArgumentException(
                    "attempts and round_start must be 0 ≤ round_start ≤ attempts");
        }
        d.dueAtMillis = o.path("due_at").asLong();
        d.firstSeenMillis = o.path("first_seen").asLong();
        d.ordered = o.path("ordered").asBoolean();
        d.history = o.path("history").isArray() ? o.get("history").toString() : "[]";
        return d;
    }

    /** The history with one more attempt. */
    public static String withAttempt(String history, int number, Attempt a) {
        try {
            ArrayNode list = (ArrayNode) JSON.readTree(history);
            ObjectNode o = list.addObject();
            o.put("attempt", number);
            o.put("started_at", a.startedAt().toString());
            o.put("outcome", a.outcome().name().toLowerCase(java.util.Locale.ROOT));
            if (a.status() != null) {
                o.put("status", a.status());
            }
            if (a.error() != null) {
                o.put("error", a.error());
            }
            o.put("latency_ms", a.latencyMillis());
            return list.toString();
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("the history is always a JSON array", e);
        }
    }

    /**
     * The webhook body of an action, per Standard Webhooks: {@code type} ({@code rule.matched}, or
     * what the action's {@code webhook_type} says: {@code anomaly.firing}, {@code
     * anomaly.resolved}), {@code timestamp} (when the match happened) and {@code data} (the rule,
     * the match and the rendered payload).
     */
    /** The body types an action may ask for; anything else is a rule's match. */
    public static final java.util.Set<String> WEBHOOK_TYPES =
            java.util.Set.of("rule.matched", "anomaly.firing", "anomaly.resolved");

    public static String body(JsonNode action) {
        ObjectNode out = JSON.createObjectNode();
        String type = action.path("webhook_type").asText("");
        out.put("type", WEBHOOK_TYPES.contains(type) ? type : "rule.matched");
        out.put("timestamp", action.path("time").asText(Instant.EPOCH.toString()));
        ObjectNode data = out.putObject("data");
        data.put("rule", action.path("rule").asText());
        data.put("version", action.path("version").asInt());
        data.put("match_id", action.path("match_id").asText());
        data.put("app_id", action.path("app_id").asText());
        if (action.path("key").isTextual()) {
            data.put("key", action.get("key").asText());
        }
        data.set(
                "event_ids",
                action.path("event_ids").isArray()
                        ? action.get("event_ids")
                        : JSON.createArrayNode());
        data.set(
                "payload",
                action.path("payload").isMissingNode() ? JSON.nullNode() : action.get("payload"));
        return out.toString();
    }

    /** A non-empty text field, or why not. */
    public static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return v.asText();
    }

    public static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
