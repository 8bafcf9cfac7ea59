package io.causality.jobs.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.RawRecord;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.causality.schemas.Timestamps;
import io.causality.schemas.Violation;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads events from their Kafka bytes into lake rows. Anything that is not a valid event with an
 * id, an app and an event time goes to the dead-letter side output with the reason, and is counted;
 * the job goes on.
 */
public final class EventParser extends ProcessFunction<RawRecord, LakeRow> {
    private static final long serialVersionUID = 1L;
    public static final String JOB = "warehouse";
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));
    public static final String DEAD_LETTER_METRIC = "deadLetters";

    /** app_id becomes a directory name: only characters that are safe there. */
    private static final Pattern APP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private transient EventValidator validator;
    private transient Counter deadLetters;

    @Override
    public void open(OpenContext context) {
        validator = new EventValidator();
        deadLetters = getRuntimeContext().getMetricGroup().counter(DEAD_LETTER_METRIC);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<LakeRow> out) {
        JsonNode event;
        try {
            event = EventJson.readTree(raw.value);
        } catch (IOException e) {
            deadLetter(ctx, raw, "not JSON: " + firstLine(e.getMessage()));
            return;
        }
        if (event == null || !event.isObject()) {
            deadLetter(ctx, raw, "not a JSON object");
            return;
        }
        List<Violation> violations = validator.validate(event);
        if (!violations.isEmpty()) {
            deadLetter(
                    ctx,
                    raw,
                    "invalid event: "
                            + violations.stream()
                                    .limit(3)
                                    .map(v -> v.code() + " at " + v.path())
                                    .collect(Collectors.joining(", ")));
            return;
        }
        String eventId = event.path(EventFields.EVENT_ID).asText(null);
        String appId = event.path(EventFields.APP_ID).asText(null);
        String timestamp = event.path(EventFields.TIMESTAMP).asText(null);
        if (eventId == null || appId == null || timestamp == null) {
            deadLetter(
                    ctx,
                    raw,
                    "event_id, app_id and timestamp are required in the lake (set by the ingest)");
            return;
        }
        if (!APP_ID.matcher(appId).matches()) {
            deadLetter(ctx, raw, "app_id '" + appId + "' cannot name a partition");
            return;
        }
        out.collect(
                new LakeRow(
                        eventId,
                        appId,
                        Timestamps.parse(timestamp).toEpochMilli(),
                        LakeRecords.values(event)));
    }

    private void deadLetter(Context ctx, RawRecord raw, String reason) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(JOB, reason, raw));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
