package io.causality.jobs.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import java.io.IOException;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The {@code event_id} of a raw event, read with a streaming parser that stops at the field (the
 * job parses the event in full later, once). A record without one (not JSON, not an object, no
 * string id) gets a key of its own from its topic, partition and offset, so that deduplication lets
 * it through to the operator that sends it to the dead-letter topic with the reason.
 */
public final class EventIdKey implements KeySelector<RawRecord, String> {
    private static final long serialVersionUID = 1L;

    /** Cannot start an event id: ids are UUIDs or at least printable. */
    private static final String UNREADABLE = "\u0000";

    @Override
    public String getKey(RawRecord raw) {
        String id = eventId(raw.value);
        return id != null ? id : UNREADABLE + raw.topic + "/" + raw.partition + "/" + raw.offset;
    }

    /** The top-level {@code event_id} if it is a string, else null. */
    static String eventId(byte[] json) {
        try (JsonParser p = EventJson.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (EventFields.EVENT_ID.equals(field)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
