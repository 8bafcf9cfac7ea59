package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventRecord;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventParserTest {
    private OneInputStreamOperatorTestHarness<EventRecord, LakeRow> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new EventParser());
    }

    private String value(LakeRow row, String column) {
        return Events.column(row, column);
    }

    private List<DeadLetter> deadLetters() {
        // The harness has no queue for a side output nothing was sent to.
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void validEventBecomesALakeRowWithTypedColumnValues() throws Exception {
        harness.processElement(
                Events.record(
                        Events.purchase(
                                "0190f8a2-7b7e-7c1a-9f00-0123456789ab", "shop", Events.T0, 12.5)),
                0);
        List<LakeRow> rows = harness.extractOutputValues();
        assertThat(rows).hasSize(1);
        LakeRow row = rows.get(0);
        assertThat(row.eventId).isEqualTo("0190f8a2-7b7e-7c1a-9f00-0123456789ab");
        assertThat(row.appId).isEqualTo("shop");
        assertThat(row.eventTime).isEqualTo(Events.T0.toEpochMilli());
        assertThat(value(row, "type")).isEqualTo("purchase_complete");
        assertThat(value(row, "timestamp")).isEqualTo(Long.toString(Events.T0.toEpochMilli()));
        assertThat(value(row, "context_os_name")).isEqualTo("iOS");
        assertThat(value(row, "context_screen_width")).isEqualTo("1170");
        assertThat(value(row, "session_id")).isNull();
        assertThat(value(row, "properties_json"))
                .isEqualTo("{\"order_id\":\"o-1\",\"total\":12.5,\"currency\":\"EUR\"}");
        assertThat(value(row, "context_json")).contains("\"custom\":\"kept\"");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void anEventTheSchemasRefuseGoesToDeadLettersWithTheReasonAndTheJobGoesOn() throws Exception {
        harness.processElement(
                Events.record(
                        "{\"event_id\":\"e-1\",\"app_id\":\"shop\",\"type\":\"purchase_complete\","
                                + "\"timestamp\":\"2026-11-22T10:15:00Z\",\"anonymous_id\":\"d\"}"),
                0);
        harness.processElement(
                Events.record(
                        Events.purchase(
                                "0190f8a2-7b7e-7c1a-9f00-0123456789ac", "shop", Events.T0, 1)),
                0);

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).reason)
                .startsWith("invalid event: ")
                .contains("missing_field at $.properties");
        assertThat(dead.get(0).eventId).isEqualTo("e-1");
        assertThat(dead.get(0).topic).isEqualTo("causality.events");
        assertThat(dead.get(0).offset).isEqualTo(42);
        assertThat(dead.get(0).job).isEqualTo("warehouse");
    }

    /**
     * A record the ingest stored carries the schema version it passed: it is not checked against
     * the schemas again (the costliest step of the job), but every column still gets a value of its
     * type or the record is a dead letter. Without the header the schemas check it in full.
     */
    @Test
    void whatTheIngestCheckedIsNotCheckedAgainButColumnsStillGetTheirTypes() throws Exception {
        String missingOrder =
                "{\"event_id\":\"e-2\",\"app_id\":\"shop\",\"type\":\"purchase_complete\","
                        + "\"timestamp\":\"2026-11-22T10:15:00Z\",\"anonymous_id\":\"d\","
                        + "\"properties\":{\"total\":5}}";
        String wideScreen =
                Events.purchase("0190f8a2-7b7e-7c1a-9f00-0123456789ad", "shop", Events.T0, 1)
                        .replace("\"width\":1170", "\"width\":\"wide\"");
        for (String json : java.util.List.of(missingOrder, wideScreen)) {
            EventRecord stored = Events.record(json);
            stored.validatedAs = io.causality.schemas.Schemas.VERSION;
            harness.processElement(stored, 0);
        }
        harness.processElement(Events.record(missingOrder), 0);

        assertThat(harness.extractOutputValues()).extracting(r -> r.eventId).containsExactly("e-2");
        assertThat(deadLetters())
                .extracting(d -> d.reason)
                .satisfiesExactly(
                        r ->
                                assertThat(r)
                                        .isEqualTo(
                                                "invalid event: column context_screen_width"
                                                        + " (/context/screen/width) needs a whole"
                                                        + " number that fits the column, got \"wide\""),
                        r -> assertThat(r).contains("missing_field at $.properties.order_id"));
    }
}
