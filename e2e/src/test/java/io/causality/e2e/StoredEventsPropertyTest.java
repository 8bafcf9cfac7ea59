package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.ingest.EventEnricher;
import io.causality.ingest.EventPipeline;
import io.causality.jobs.common.EventReader;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.warehouse.LakeRecords;
import io.causality.jobs.warehouse.LakeRow;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.causality.schemas.Schemas;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.LakeColumn;
import io.causality.schemas.lake.LakeSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The ingest's promise, as a property: every event its pipeline accepts is read by the
 * WarehouseJob's and the ReactionJob's readers without a dead letter, passes the schemas again as
 * the jobs read it, and reads back equal to what was stored; and what the client sent is what was
 * stored. The events are generated valid, borderline (lengths, nesting and times at their limits)
 * and hostile (numbers beyond a double, lone surrogates, wrong types, far-future times, long
 * headers), as request bodies in their raw text.
 */
class StoredEventsPropertyTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-22T12:00:00.123Z");
    private static final EventValidator VALIDATOR = new EventValidator();
    private static final EventPipeline PIPELINE =
            new EventPipeline(VALIDATOR, 4 * 1024 * 1024, 32 * 1024, Duration.ofHours(24));
    private static final List<LakeColumn> COLUMNS = LakeSchema.columns();

    /** A request: its body as sent, and what the server saw of the client. */
    record Request(String body, String ip, String userAgent, boolean segment) {}

    @Property(tries = 1500)
    void whatTheIngestAcceptsTheJobsReadBackUnchanged(@ForAll("requests") Request request)
            throws Exception {
        JsonNode sent;
        try {
            sent = PIPELINE.reader().readTree(request.body().getBytes(StandardCharsets.UTF_8));
        } catch (IOException refusedAsMalformed) {
            Statistics.collect("not JSON");
            return;
        }
        JsonNode original = sent.deepCopy();
        EventPipeline.Result result =
                PIPELINE.process(
                        sent,
                        new EventPipeline.Call(
                                request.segment(), request.segment() ? "track" : null, false, sent),
                        new EventEnricher.Origin(
                                "shop",
                                request.ip(),
                                request.userAgent(),
                                request.segment() ? "segment" : "native",
                                RECEIVED));
        Statistics.collect(
                result.accepted() ? "accepted" : "refused: " + result.problems().get(0).code());
        if (!result.accepted()) {
            return;
        }
        byte[] value = result.value();
        // As stored, read exactly; the jobs read the same bytes with their own mapper below.
        JsonNode stored = PIPELINE.reader().readTree(value);

        // The readers every job starts with, on the record as the ingest writes it.
        RawRecord raw = new RawRecord("causality.events", 0, 0, value);
        raw.validatedAs = Schemas.VERSION;
        EventRecord read = EventReader.read(raw);
        assertThat(read.app).isEqualTo("shop");
        assertThat(read.id).isEqualTo(result.eventId()).isEqualTo(text(stored, "event_id"));
        assertThat(read.type).isEqualTo(text(stored, "type"));
        assertThat(read.time).isEqualTo(Timestamps.parse(text(stored, "timestamp")).toEpochMilli());

        // A record without the ingest's header is checked in full by the jobs: it passes too.
        assertThat(VALIDATOR.validate(stored)).isEmpty();

        // The lake's columns are the stored values, each in its type.
        String[] columns =
                LakeRecords.texts(
                        new LakeRow(read.id, read.app, read.time, LakeRecords.pack(value)));
        for (int i = 0; i < COLUMNS.size(); i++) {
            LakeColumn c = COLUMNS.get(i);
            JsonNode v = stored.at(c.pointer());
            if (v.isContainerNode()) {
                assertThat(sameJson(PIPELINE.reader().readTree(columns[i]), v))
                        .as(c.name())
                        .isTrue();
            } else {
                assertThat(columns[i]).as(c.name()).isEqualTo(expected(c, v));
            }
        }

        // The ReactionJob's tree of the event is the stored one (its rules compare numbers as
        // doubles, which every accepted number is).
        assertThat(sameJson(EventJson.readTree(value), stored)).isTrue();

        // And what the client sent is what was stored.
        if (!request.segment()) {
            assertThat(sameJson(stored.get("properties"), original.get("properties")))
                    .as("properties as sent")
                    .isTrue();
            if (original.hasNonNull("anonymous_id")) {
                assertThat(stored.get("anonymous_id")).isEqualTo(original.get("anonymous_id"));
            }
        } else {
            assertThat(sameJson(stored.get("properties"), original.get("properties")))
                    .as("Segment properties as sent")
                    .isTrue();
        }
    }

    private static String expected(LakeColumn c, JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        return switch (c.type()) {
            case STRING -> v.asText();
            case LONG -> Long.toString(v.longValue());
            case INT -> Integer.toString(v.intValue());
            case DOUBLE -> Double.toString(v.doubleValue());
            case BOOLEAN -> Boolean.toString(v.booleanValue());
            case TIMESTAMP -> Long.toString(Timestamps.parse(v.textValue()).toEpochMilli());
        };
    }

    /** Equal JSON, numbers compared by value (a double reads 1E+2 and 100 alike). */
    private static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0
                    || a.doubleValue() == b.doubleValue();
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!sameJson(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static String text(JsonNode node, String field) {
        return node.get(field).textValue();
    }

    // ---- generators: request bodies as raw text ----

    @Provide
    Arbitrary<Request> requests() {
        return Combinators.combine(
                        Arbitraries.oneOf(nativeEvent(), segmentTrack()), ip(), userAgent())
                .as((event, ip, agent) -> new Request(event.body(), ip, agent, event.segment()));
    }

    record Body(String body, boolean segment) {}

    private Arbitrary<Body> nativeEvent() {
        return Combinators.combine(
                        Arbitraries.of("app_open", "app_background", "custom", "page_view", "nope"),
                        string(),
                        Arbitraries.oneOf(time(), Arbitraries.just(null)),
                        Arbitraries.oneOf(time(), Arbitraries.just(null)),
                        context(),
                        value(3))
                .as(
                        (type, id, timestamp, sentAt, context, properties) -> {
                            StringBuilder b = new StringBuilder("{\"type\":\"").append(type);
                            b.append("\",\"anonymous_id\":").append(id);
                            if (type.equals("custom")) {
                                b.append(",\"name\":\"video_played\"");
                            }
                            if (timestamp != null) {
                                b.append(",\"timestamp\":").append(timestamp);
                            }
                            if (sentAt != null) {
                                b.append(",\"sent_at\":").append(sentAt);
                            }
                            b.append(",\"context\":").append(context);
                            b.append(",\"properties\":").append(properties);
                            return new Body(b.append('}').toString(), false);
                        });
    }

    private Arbitrary<Body> segmentTrack() {
        return Combinators.combine(
                        string(), Arbitraries.oneOf(time(), string()), value(3), context())
                .as(
                        (id, timestamp, properties, context) ->
                                new Body(
                                        "{\"event\":\"Order Viewed\",\"anonymousId\":"
                                                + id
                                                + ",\"timestamp\":"
                                                + timestamp
                                                + ",\"properties\":"
                                                + properties
                                                + ",\"context\":"
                                                + context
                                                + ",\"integrations\":{\"All\":true}}",
                                        true));
    }

    private Arbitrary<String> context() {
        return Combinators.combine(
                        Arbitraries.oneOf(string(), Arbitraries.just(null)),
                        mostly(ip().map(StoredEventsPropertyTest::quoted), number()),
                        mostly(
                                Arbitraries.integers().between(0, 8000).map(String::valueOf),
                                number()),
                        mostly(
                                Arbitraries.strings().ofMaxLength(200).alpha(),
                                Arbitraries.strings().ofMinLength(1000).ofMaxLength(1030).alpha()))
                .as(
                        (locale, ip, width, agent) ->
                                "{"
                                        + (locale == null ? "" : "\"locale\":" + locale + ",")
                                        + "\"ip\":"
                                        + ip
                                        + ",\"screen\":{\"width\":"
                                        + width
                                        + "},\"user_agent\":\""
                                        + agent
                                        + "\",\"extra\":"
                                        + "{\"k\":\"v\"}"
                                        + "}");
    }

    /** Mostly what a real client sends, sometimes what a hostile one does. */
    private static <T> Arbitrary<T> mostly(Arbitrary<T> usual, Arbitrary<T> unusual) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, usual), net.jqwik.api.Tuple.of(1, unusual));
    }

    /** Any JSON value, containers up to the given depth, as raw text. */
    private Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar =
                Arbitraries.oneOf(string(), number(), Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> object =
                Arbitraries.maps(
                                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                                value(depth - 1))
                        .ofMaxSize(4)
                        .map(
                                m -> {
                                    StringBuilder b = new StringBuilder("{");
                                    m.forEach(
                                            (k, v) -> {
                                                if (b.length() > 1) {
                                                    b.append(',');
                                                }
                                                b.append('"').append(k).append("\":").append(v);
                                            });
                                    return b.append('}').toString();
                                });
        Arbitrary<String> array =
                value(depth - 1).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        return depth == 3
                ? object
                : Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, scalar),
                        net.jqwik.api.Tuple.of(1, object),
                        net.jqwik.api.Tuple.of(1, array));
    }

    /** Strings as JSON text: plain, with escapes, with whole and lone surrogates. */
    private Arbitrary<String> string() {
        return mostly(
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .ofMinLength(1)
                        .ofMaxLength(20)
                        .map(StoredEventsPropertyTest::quoted),
                Arbitraries.oneOf(
                        Arbitraries.strings()
                                .all()
                                .ofMinLength(1)
                                .ofMaxLength(20)
                                .map(StoredEventsPropertyTest::escaped),
                        Arbitraries.of(
                                "\"\\ud800\"",
                                "\"a\\udc00b\"",
                                "\"\\ud83d\\ude00\"",
                                "\"caf\u00e9\"",
                                "\"tab\\tquote\\\"\"",
                                "\"" + "x".repeat(256) + "\"",
                                "\"" + "x".repeat(257) + "\"")));
    }

    private Arbitrary<String> number() {
        return mostly(
                Arbitraries.oneOf(
                        Arbitraries.integers().map(String::valueOf),
                        Arbitraries.doubles().map(String::valueOf)),
                Arbitraries.of(
                        "1e999999999",
                        "-1e400",
                        "1e-999999999",
                        "4.9e-324",
                        "1e-400",
                        "0.0",
                        "-0",
                        "9223372036854775807",
                        "9223372036854775808",
                        "-92233720368547758090",
                        "0.1",
                        "1E+2",
                        "12345678901234567890.5",
                        "4.5E15",
                        "1e20"));
    }

    private Arbitrary<String> time() {
        return mostly(
                        Arbitraries.longs()
                                .between(-40L * 365 * 86_400, 3L * 86_400)
                                .map(s -> Timestamps.format(RECEIVED.plusSeconds(s))),
                        Arbitraries.of(
                                "2016-12-31T23:59:60Z",
                                "2026-11-22T13:00:00+01:00",
                                "9999-12-31T23:59:59.999Z",
                                "0000-01-01T00:00:00Z",
                                "2099-01-01T00:00:00Z",
                                "2026-11-22T12:00:00.1234567890Z",
                                "2026-02-30T00:00:00Z",
                                "yesterday"))
                .map(StoredEventsPropertyTest::quoted);
    }

    private Arbitrary<String> ip() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "198.51.100.7",
                        "2001:db8::7",
                        "::ffff:192.0.2.1",
                        "unknown",
                        "1.2.3.4:80",
                        "x".repeat(80)),
                Arbitraries.just(null));
    }

    private Arbitrary<String> userAgent() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMinLength(0).ofMaxLength(40),
                Arbitraries.strings().alpha().ofMinLength(1020).ofMaxLength(2500),
                Arbitraries.strings().all().ofMinLength(1023).ofMaxLength(1026),
                Arbitraries.just(null));
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** A string's JSON text with every character outside printable ASCII as a \\u escape. */
    private static String escaped(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.append('"').toString();
    }
}
