package io.causality.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The event envelope as it is stored in Kafka, described by {@code v1/envelope.json}. Field names
 * on the wire are the snake_case names in {@link EventFields}.
 *
 * @param context where the event came from (device, os, app, ip, user agent ...)
 * @param properties the type-specific payload, described by {@code v1/types/<type>.json}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
        @JsonProperty(EventFields.EVENT_ID) UUID eventId,
        @JsonProperty(EventFields.APP_ID) String appId,
        @JsonProperty(EventFields.TYPE) String type,
        @JsonProperty(EventFields.NAME) String name,
        @JsonProperty(EventFields.USER_ID) String userId,
        @JsonProperty(EventFields.ANONYMOUS_ID) String anonymousId,
        @JsonProperty(EventFields.SESSION_ID) String sessionId,
        @JsonProperty(EventFields.SENT_AT) Instant sentAt,
        @JsonProperty(EventFields.TIMESTAMP) Instant timestamp,
        @JsonProperty(EventFields.ORIGINAL_TIMESTAMP) Instant originalTimestamp,
        @JsonProperty(EventFields.RECEIVED_AT) Instant receivedAt,
        @JsonProperty(EventFields.CONTEXT) ObjectNode context,
        @JsonProperty(EventFields.PROPERTIES) ObjectNode properties) {

    /** The built-in type, or empty for a type this version of the model does not know. */
    public Optional<EventType> eventType() {
        return EventType.fromWireName(type);
    }

    /** The Kafka record key: ordering is per app and device/user (see DESIGN.md). */
    public String partitionKey() {
        return partitionKey(appId, anonymousId, userId);
    }

    public static String partitionKey(String appId, String anonymousId, String userId) {
        return appId + "/" + (anonymousId != null ? anonymousId : userId);
    }
}
