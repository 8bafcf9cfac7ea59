package io.causality.jobs.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The first step of every job: reads the envelope fields an event is routed by (app, id, type,
 * name, time) with a streaming parser that skips everything else. A record that is not JSON, not an
 * object, or lacks one of them goes to the dead-letter topic with the reason, counted; the job goes
 * on. What the rest of the event says is checked by the operator that reads it.
 */
public final class EventReader extends ProcessFunction<RawRecord, EventRecord> {
    private static final long serialVersionUID = 1L;
    public static final String UID = "read-events";

    private final String job;
    private transient DeadLetters deadLetters;

    /**
     * @param job the job's name in its dead letters
     */
    public EventReader(String job) {
        this.job = job;
    }

    @Override
    public void open(OpenContext context) {
        deadLetters = DeadLetters.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<EventRecord> out) {
        try {
            out.collect(read(raw));
        } catch (NotAnEvent e) {
            deadLetters.send(ctx::output, new DeadLetter(job, e.getMessage(), raw));
        }
    }

    /** Why a record is not an event the jobs can route. */
    public static final class NotAnEvent extends Exception {
        NotAnEvent(String message) {
            super(message, null, false, false);
        }
    }

    public static EventRecord read(RawRecord raw) throws NotAnEvent {
        String app = null;
        String id = null;
        String type = null;
        String name = null;
        String timestamp = null;
        try (JsonParser p = EventJson.mapper().getFactory().createParser(raw.value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnEvent("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    // Not a string: nothing inside it may be taken for an envelope field.
                    p.skipChildren();
                }
                switch (field) {
                    case EventFields.APP_ID -> app = text(p, value);
                    case EventFields.EVENT_ID -> id = text(p, value);
                    case EventFields.TYPE -> type = text(p, value);
                    case EventFields.NAME -> name = text(p, value);
                    case EventFields.TIMESTAMP -> timestamp = text(p, value);
                    default -> {}
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new NotAnEvent("not JSON: " + firstLine(e.getMessage()));
        }
        if (app == null || id == null || type == null) {
            throw new NotAnEvent(
                    "not an event: app_id, type and event_id must be strings (set by the ingest)");
        }
        if (!EventFields.APP_ID_PATTERN.matcher(app).matches()) {
            throw new NotAnEvent("app_id '" + app + "': " + EventFields.APP_ID_RULE);
        }
        long time;
        try {
            time = EventTime.of(timestamp);
        } catch (IllegalArgumentException e) {
            throw new NotAnEvent(e.getMessage());
        }
        return new EventRecord(app, id, type, name, time, raw.value, raw);
    }

    /**
     * A string value's text; null for any other value (the last one of a repeated field counts).
     */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
