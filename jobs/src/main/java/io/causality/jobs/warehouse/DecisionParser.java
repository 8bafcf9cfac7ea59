package io.causality.jobs.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.RawRecord;
import io.causality.schemas.EventJson;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.DecisionTable;
import io.causality.schemas.lake.DecisionValidator;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Checks a record of a decision topic against its table's schema; one that is not valid goes to the
 * dead-letter topic with the reason, counted, and the job goes on.
 */
public final class DecisionParser extends ProcessFunction<RawRecord, DecisionRow> {
    private static final long serialVersionUID = 1L;

    private final DecisionTable table;
    private transient DecisionValidator validator;
    private transient DeadLetters deadLetters;

    public DecisionParser(DecisionTable table) {
        this.table = table;
    }

    @Override
    public void open(OpenContext context) {
        validator = new DecisionValidator();
        deadLetters = DeadLetters.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<DecisionRow> out) {
        JsonNode record;
        try {
            record = EventJson.mapper().readTree(raw.value);
        } catch (IOException | RuntimeException e) {
            deadLetter(ctx, raw, "not JSON");
            return;
        }
        List<String> problems = validator.problems(table, record);
        if (!problems.isEmpty()) {
            deadLetter(
                    ctx, raw, "not a " + table.table() + " record: " + String.join("; ", problems));
            return;
        }
        out.collect(
                new DecisionRow(
                        record.get("app_id").textValue(),
                        Timestamps.parse(record.get(table.timeField()).textValue()).toEpochMilli(),
                        raw.value));
    }

    private void deadLetter(Context ctx, RawRecord raw, String reason) {
        deadLetters.send(ctx::output, new DeadLetter(EventParser.JOB, reason, raw));
    }
}
