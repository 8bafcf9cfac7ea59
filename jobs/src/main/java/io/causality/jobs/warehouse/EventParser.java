package io.causality.jobs.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventRecord;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.causality.schemas.Schemas;
import io.causality.schemas.Violation;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns events into lake rows: checked against the event schemas (unless the ingest did), their
 * columns read in one streaming pass. Anything that is not a valid event goes to the dead-letter
 * side output with the reason, counted; the job goes on.
 */
public final class EventParser extends ProcessFunction<EventRecord, LakeRow> {
    private static final long serialVersionUID = 1L;
    public static final String JOB = "warehouse";

    private transient EventValidator validator;
    private transient DeadLetters deadLetters;
    private transient PackedColumns buffer;

    @Override
    public void open(OpenContext context) {
        validator = new EventValidator();
        buffer = new PackedColumns();
        deadLetters = DeadLetters.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(EventRecord record, Context ctx, Collector<LakeRow> out) {
        // The ingest checked what it stored against these schemas (the record says so); a record
        // from elsewhere is checked in full. Either way each column gets a value of its type.
        if (!Schemas.VERSION.equals(record.validatedAs)) {
            JsonNode event;
            try {
                event = EventJson.readTree(record.json);
            } catch (IOException e) {
                deadLetter(ctx, record, "not JSON: " + firstLine(e.getMessage()));
                return;
            }
            List<Violation> violations = validator.validate(event);
            if (!violations.isEmpty()) {
                deadLetter(
                        ctx,
                        record,
                        "invalid event: "
                                + violations.stream()
                                        .limit(3)
                                        .map(v -> v.code() + " at " + v.path())
                                        .collect(Collectors.joining(", ")));
                return;
            }
        }
        byte[] columns;
        try {
            columns = LakeRecords.pack(record.json, buffer);
        } catch (IOException e) {
            deadLetter(ctx, record, "not JSON: " + firstLine(e.getMessage()));
            return;
        } catch (LakeRecords.WrongType e) {
            deadLetter(ctx, record, "invalid event: " + e.getMessage());
            return;
        }
        out.collect(new LakeRow(record.id, record.app, record.time, columns));
    }

    private void deadLetter(Context ctx, EventRecord record, String reason) {
        DeadLetter letter = new DeadLetter(JOB, reason, record.raw());
        letter.eventId = record.id;
        deadLetters.send(ctx::output, letter);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
