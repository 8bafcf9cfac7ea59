package io.causality.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.causality.schemas.EventFields;
import io.causality.schemas.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Adds what the server knows to a valid event: its app (from the write key, never the body), an
 * event id if the client sent none, the receive time, the client's address and user agent, and an
 * event time corrected for the client's clock skew.
 */
public final class EventEnricher {
    private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

    /**
     * Where and when a request came in, as the server saw it; made once per request and shared by
     * its events.
     */
    public record Origin(
            String appId,
            String ip,
            String userAgent,
            String api,
            Instant receivedAt,
            String receivedAtText) {
        public Origin(String appId, String ip, String userAgent, String api, Instant receivedAt) {
            this(
                    appId,
                    ip,
                    userAgent,
                    api,
                    receivedAt.truncatedTo(ChronoUnit.MILLIS),
                    Timestamps.format(receivedAt.truncatedTo(ChronoUnit.MILLIS)));
        }
    }

    public void enrich(ObjectNode event, Origin origin) {
        event.put(EventFields.APP_ID, origin.appId());
        if (!event.hasNonNull(EventFields.EVENT_ID)) {
            event.put(EventFields.EVENT_ID, UUID_V7.generate().toString());
        }
        event.put(EventFields.RECEIVED_AT, origin.receivedAtText());
        correctClockSkew(event, origin.receivedAt(), origin.receivedAtText());

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
    static void correctClockSkew(ObjectNode event, Instant received, String receivedText) {
        Instant timestamp = instant(event.get(EventFields.TIMESTAMP));
        Instant sentAt = instant(event.get(EventFields.SENT_AT));
        if (timestamp == null) {
            event.put(EventFields.TIMESTAMP, receivedText);
            return;
        }
        String original = Timestamps.format(timestamp);
        event.put(EventFields.ORIGINAL_TIMESTAMP, original);
        if (sentAt != null) {
            Duration sinceEvent = Duration.between(timestamp, sentAt);
            event.put(EventFields.TIMESTAMP, Timestamps.format(received.minus(sinceEvent)));
            event.put(EventFields.SENT_AT, Timestamps.format(sentAt));
        } else {
            event.put(EventFields.TIMESTAMP, original);
        }
    }

    /** Validation already checked the format; parses RFC 3339 with any offset to UTC. */
    private static Instant instant(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        return Timestamps.parse(node.textValue());
    }
}
