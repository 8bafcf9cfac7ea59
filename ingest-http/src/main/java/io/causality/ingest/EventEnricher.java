package io.causality.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.causality.schemas.EventFields;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Adds what the server knows to a valid event: its app (from the write key, never the body), an
 * event id if the client sent none, the receive time, the client's address and user agent, and an
 * event time corrected for the client's clock skew.
 */
public final class EventEnricher {
    private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

    /** Where the request came from, as the server saw it. */
    public record Origin(String appId, String ip, String userAgent, String api) {}

    public void enrich(ObjectNode event, Origin origin, Instant receivedAt) {
        event.put(EventFields.APP_ID, origin.appId());
        if (!event.hasNonNull(EventFields.EVENT_ID)) {
            event.put(EventFields.EVENT_ID, UUID_V7.generate().toString());
        }
        Instant received = receivedAt.truncatedTo(ChronoUnit.MILLIS);
        event.put(EventFields.RECEIVED_AT, received.toString());
        correctClockSkew(event, received);

        ObjectNode context =
                event.get(EventFields.CONTEXT) instanceof ObjectNode c
                        ? c
                        : event.putObject(EventFields.CONTEXT);
        if (!context.hasNonNull(EventFields.CONTEXT_IP) && origin.ip() != null) {
            context.put(EventFields.CONTEXT_IP, origin.ip());
        }
        if (!context.hasNonNull(EventFields.CONTEXT_USER_AGENT) && origin.userAgent() != null) {
            context.put(EventFields.CONTEXT_USER_AGENT, origin.userAgent());
        }
        ObjectNode source =
                context.get(EventFields.CONTEXT_SOURCE) instanceof ObjectNode s
                        ? s
                        : context.putObject(EventFields.CONTEXT_SOURCE);
        if (!source.has("api")) {
            source.put("api", origin.api());
        }
        if (!event.has(EventFields.PROPERTIES)) {
            event.putObject(EventFields.PROPERTIES);
        }
    }

    /**
     * Segment's correction: the client's clock may be off, but the gap between the event and the
     * send is right, so event time = received_at - (sent_at - timestamp). Without sent_at the
     * client's timestamp is kept; without a timestamp the event happened when it was received.
     */
    static void correctClockSkew(ObjectNode event, Instant received) {
        Instant timestamp = instant(event.get(EventFields.TIMESTAMP));
        Instant sentAt = instant(event.get(EventFields.SENT_AT));
        if (timestamp == null) {
            event.put(EventFields.TIMESTAMP, received.toString());
            return;
        }
        event.put(EventFields.ORIGINAL_TIMESTAMP, timestamp.toString());
        if (sentAt != null) {
            Duration sinceEvent = Duration.between(timestamp, sentAt);
            event.put(EventFields.TIMESTAMP, received.minus(sinceEvent).toString());
            event.put(EventFields.SENT_AT, sentAt.toString());
        } else {
            event.put(EventFields.TIMESTAMP, timestamp.toString());
        }
    }

    /** Validation already checked the format; parses RFC 3339 with any offset to UTC. */
    private static Instant instant(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        return OffsetDateTime.parse(node.textValue()).toInstant().truncatedTo(ChronoUnit.MILLIS);
    }
}
