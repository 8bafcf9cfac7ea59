package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first step of both jobs: what an event is routed by, or a dead letter saying why not. */
class EventReaderTest {
    private OneInputStreamOperatorTestHarness<RawRecord, EventRecord> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new EventReader("test-job"));
    }

    private void send(String json) throws Exception {
        send(json.getBytes(StandardCharsets.UTF_8));
    }

    private void send(byte[] bytes) throws Exception {
        harness.processElement(new RawRecord("events", 1, offset++, bytes), 0);
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void readsTheEnvelopeFieldsAnEventIsRoutedByAndKeepsTheBytes() throws Exception {
        String json =
                "{\"properties\":{\"name\":\"not this one\",\"app_id\":\"nor this\"},"
                        + "\"type\":\"custom\",\"name\":\"video_played\",\"app_id\":\"demo-shop\","
                        + "\"event_id\":\"e-1\",\"timestamp\":\"2026-11-22T10:15:00.250Z\"}";
        send(json);
        List<EventRecord> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        EventRecord e = out.get(0);
        assertThat(e.app).isEqualTo("demo-shop");
        assertThat(e.id).isEqualTo("e-1");
        assertThat(e.type).isEqualTo("custom");
        assertThat(e.name).isEqualTo("video_played");
        assertThat(e.time).isEqualTo(Instant.parse("2026-11-22T10:15:00.250Z").toEpochMilli());
        assertThat(new String(e.json, StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(e.topic + "/" + e.partition + "/" + e.offset).isEqualTo("events/1/0");
        assertThat(UniqueEvent.key(e.appId(), e.eventId())).isEqualTo("demo-shop/e-1");
    }

    @Test
    void whatIsNotAnEventGoesToDeadLettersWithTheReasonAndTheJobGoesOn() throws Exception {
        String ok =
                "{\"event_id\":\"e\",\"app_id\":\"shop\",\"type\":\"app_open\","
                        + "\"timestamp\":\"2026-11-22T10:15:00Z\"}";
        send("not json at all");
        send(new byte[] {(byte) 0xC3, (byte) 0x28});
        send("[1,2]");
        send("{\"type\":\"app_open\",\"anonymous_id\":\"d\"}");
        send(ok.replace("\"shop\"", "\"Bad/App\""));
        send(ok.replace("\"e\"", "7"));
        send(ok.replace(",\"timestamp\":\"2026-11-22T10:15:00Z\"", ""));
        send(ok.replace("2026-11-22T10:15:00Z", "yesterday"));
        send(ok);

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<DeadLetter> dead = deadLetters();
        assertThat(dead)
                .extracting(d -> d.reason)
                .satisfiesExactly(
                        r -> assertThat(r).startsWith("not JSON"),
                        r -> assertThat(r).startsWith("not JSON"),
                        r -> assertThat(r).isEqualTo("not a JSON object"),
                        r -> assertThat(r).startsWith("not an event: app_id, type and event_id"),
                        r -> assertThat(r).startsWith("app_id 'Bad/App': app id must be"),
                        r -> assertThat(r).startsWith("not an event: app_id, type and event_id"),
                        r -> assertThat(r).contains("has no timestamp"),
                        r -> assertThat(r).contains("'yesterday' is not an RFC 3339 instant"));
        assertThat(dead.get(0).value).isEqualTo("not json at all".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.get(0).topic + "/" + dead.get(0).offset).isEqualTo("events/0");
        assertThat(dead).allSatisfy(d -> assertThat(d.job).isEqualTo("test-job"));
    }

    /** An envelope field given an object or a list: nothing inside it is read as the envelope. */
    @Test
    void fieldsInsideANonStringEnvelopeValueAreNotTheEnvelopes() throws Exception {
        send(
                "{\"app_id\":\"shop\",\"name\":{\"app_id\":\"other\",\"event_id\":\"x\"},"
                        + "\"type\":[\"custom\"],\"event_id\":\"e-1\","
                        + "\"timestamp\":\"2026-11-22T10:15:00Z\"}");
        send(
                "{\"name\":{\"app_id\":\"other\"},\"app_id\":\"shop\",\"type\":\"app_open\","
                        + "\"event_id\":\"e-2\",\"timestamp\":\"2026-11-22T10:15:00Z\"}");
        assertThat(deadLetters())
                .extracting(d -> d.reason)
                .containsExactly(
                        "not an event: app_id, type and event_id must be strings (set by the"
                                + " ingest)");
        List<EventRecord> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(e -> e.app + " " + e.id + " " + e.name)
                .containsExactly("shop e-2 null");
    }
}
