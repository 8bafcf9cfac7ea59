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

    /**
     * The longest user agent stored (the schema's {@code context.user_agent} limit): a longer
     * {@code User-Agent} header is cut there, so the header can never make an event invalid. A
     * client that sets {@code context.user_agent} itself is held to the limit instead.
     */
    public static final int MAX_USER_AGENT = 1024;

    /**
     * Adds what the server knows. It never replaces what the client sent with something else: a
     * field of the wrong type is left as it is, for the check of the stored event to refuse.
     */
    public void enrich(ObjectNode event, Origin origin) {
        event.put(EventFields.APP_ID, origin.appId());
        if (!event.hasNonNull(EventFields.EVENT_ID)) {
            event.put(EventFields.EVENT_ID, UUID_V7.generate().toString());
        }
        event.put(EventFields.RECEIVED_AT, origin.receivedAtText());
        correctClockSkew(event, origin.receivedAt(), origin.receivedAtText());

        JsonNode givenContext = event.get(EventFields.CONTEXT);
        if (givenContext == null || givenContext.isNull()) {
            givenContext = event.putObject(EventFields.CONTEXT);
        }
        if (givenContext instanceof ObjectNode context) {
            String ip = IpAddresses.literal(origin.ip());
            if (!context.hasNonNull(EventFields.CONTEXT_IP) && ip != null) {
                context.put(EventFields.CONTEXT_IP, ip);
            }
            if (!context.hasNonNull(EventFields.CONTEXT_USER_AGENT) && origin.userAgent() != null) {
                context.put(EventFields.CONTEXT_USER_AGENT, bounded(origin.userAgent()));
            }
            JsonNode source = context.get(EventFields.CONTEXT_SOURCE);
            if (source == null || source.isNull()) {
                source = context.putObject(EventFields.CONTEXT_SOURCE);
            }
            if (source instanceof ObjectNode s && !s.has("api")) {
                s.put("api", origin.api());
            }
        }
        if (!event.has(EventFields.PROPERTIES)) {
            event.putObject(EventFields.PROPERTIES);
        }
    }

    /** At most {@link #MAX_USER_AGENT} characters, never half of a surrogate pair. */
    static String bounded(String userAgent) {
        if (userAgent.length() <= MAX_USER_AGENT) {
            return userAgent;
        }
        int end = MAX_USER_AGENT;
        if (Character.isHighSurrogate(userAgent.charAt(end - 1))) {
            end--;
        }
        return userAgent.substring(0, end);
    }

    /**
     * Segment's correction: the client's clock may be off, but the gap between the event and the
     * send is right, so event time = received_at - (sent_at - timestamp). Without sent_at the
     * client's timestamp is kept; without a timestamp the event happened when it was received.
     */
    static void correctClockSkew(ObjectNode event, Instant received, String receivedText) {
        JsonNode given = event.get(EventFields.TIMESTAMP);
        if (given == null || given.isNull()) {
            event.put(EventFields.TIMESTAMP, receivedText);
            return;
        }
        Instant timestamp = instant(given);
        JsonNode sent = event.get(EventFields.SENT_AT);
        Instant sentAt = instant(sent);
        if (timestamp == null || (sentAt == null && sent != null && !sent.isNull())) {
            return; // unreadable: left as sent, for the check to refuse
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

    /** RFC 3339 with any offset, to UTC; null when absent or unreadable (the check refuses it). */
    private static Instant instant(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return Timestamps.parse(node.textValue());
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
