package io.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.causality.schemas.Violation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The per-event path of the ingest: what it stores always passes the schemas as stored, and what
 * cannot be stored unchanged is refused with a stable code.
 */
class EventPipelineTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-22T12:00:00.123Z");
    private static final EventValidator VALIDATOR = new EventValidator();
    private final EventPipeline pipeline =
            new EventPipeline(VALIDATOR, 4 * 1024 * 1024, 32 * 1024, Duration.ofHours(24));

    private static EventEnricher.Origin origin(String ip, String userAgent) {
        return new EventEnricher.Origin("shop", ip, userAgent, "native", RECEIVED);
    }

    private EventPipeline.Result nativeEvent(String json, EventEnricher.Origin origin)
            throws Exception {
        JsonNode root = pipeline.reader().readTree(json);
        return pipeline.process(root, new EventPipeline.Call(false, null, false, root), origin);
    }

    private EventPipeline.Result segmentCall(String call, String json) throws Exception {
        JsonNode root = pipeline.reader().readTree(json);
        return pipeline.process(
                root,
                new EventPipeline.Call(true, call, false, root),
                origin("198.51.100.7", "analytics-node"));
    }

    private static JsonNode stored(EventPipeline.Result r) throws Exception {
        assertThat(r.problems()).isEmpty();
        JsonNode event = EventJson.readTree(r.value());
        assertThat(VALIDATOR.validate(event)).as("the stored event passes the schemas").isEmpty();
        return event;
    }

    private static String refusal(EventPipeline.Result r) {
        assertThat(r.accepted()).isFalse();
        Violation v = r.problems().get(0);
        return v.code() + " at " + v.path();
    }

    @Test
    void aUserAgentHeaderLongerThanTheSchemaAllowsIsCutAndTheEventStillLands() throws Exception {
        String agent = "Mozilla/5.0 " + "x".repeat(2000);
        JsonNode event =
                stored(
                        nativeEvent(
                                "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}",
                                origin("198.51.100.7", agent)));
        assertThat(event.at("/context/user_agent").textValue())
                .hasSize(EventEnricher.MAX_USER_AGENT)
                .isEqualTo(agent.substring(0, EventEnricher.MAX_USER_AGENT));
    }

    @Test
    void aClientsOwnTooLongUserAgentIsRefusedNotCut() throws Exception {
        EventPipeline.Result r =
                nativeEvent(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"context\":{\"user_agent\":\""
                                + "x".repeat(2000)
                                + "\"}}",
                        origin("198.51.100.7", "curl/8"));
        assertThat(refusal(r)).isEqualTo("too_long at $.context.user_agent");
    }

    @Test
    void anAddressThatIsNotAnIpLiteralIsNotStored() throws Exception {
        JsonNode event =
                stored(
                        nativeEvent(
                                "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}",
                                origin("x".repeat(300), "curl/8")));
        assertThat(event.at("/context/ip").isMissingNode()).isTrue();
        JsonNode v6 =
                stored(
                        nativeEvent(
                                "{\"type\":\"app_open\",\"anonymous_id\":\"a\"}",
                                origin("2001:db8::7", "curl/8")));
        assertThat(v6.at("/context/ip").textValue()).isEqualTo("2001:db8::7");
    }

    @Test
    void numbersThatWouldNotSurviveAreRefused() throws Exception {
        assertThat(
                        refusal(
                                nativeEvent(
                                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"properties\":{\"x\":1e999999999}}",
                                        origin(null, null))))
                .isEqualTo("number_out_of_range at $.properties.x");
        assertThat(
                        refusal(
                                nativeEvent(
                                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"properties\":{\"x\":1e-999999999}}",
                                        origin(null, null))))
                .isEqualTo("number_out_of_range at $.properties.x");
        // An exact decimal is stored as sent, with its digits.
        assertThat(
                        new String(
                                nativeEvent(
                                                "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"properties\":{\"t\":11.0}}",
                                                origin(null, null))
                                        .value(),
                                java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"t\":11.0");
        JsonNode event =
                stored(
                        nativeEvent(
                                "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"properties\":{\"x\":0.1,\"y\":12345678901234567890}}",
                                origin(null, null)));
        assertThat(event.at("/properties/x").decimalValue()).isEqualByComparingTo("0.1");
        assertThat(event.at("/properties/y").bigIntegerValue().toString())
                .isEqualTo("12345678901234567890");
    }

    @Test
    void aLoneSurrogateIsRefusedNotTurnedIntoAQuestionMark() throws Exception {
        assertThat(
                        refusal(
                                nativeEvent(
                                        "{\"type\":\"app_open\",\"anonymous_id\":\"\\ud800\"}",
                                        origin(null, null))))
                .isEqualTo("invalid_unicode at $.anonymous_id");
    }

    @Test
    void aClockSkewCorrectionThatLeavesTheYearsOfRfc3339IsRefused() throws Exception {
        EventPipeline.Result r =
                nativeEvent(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":\"0001-01-01T00:00:00Z\","
                                + "\"sent_at\":\"9999-01-01T00:00:00Z\"}",
                        origin(null, null));
        assertThat(refusal(r)).isEqualTo("invalid_format at $.timestamp");
    }

    @Test
    void anEventTimeFarAheadOfItsReceiptIsRefused() throws Exception {
        EventPipeline.Result r =
                nativeEvent(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":\"2030-01-01T00:00:00Z\"}",
                        origin(null, null));
        assertThat(refusal(r)).isEqualTo("timestamp_in_future at $.timestamp");
        assertThat(r.problems().get(0).message()).contains("PT24H").contains("sent_at");
        // Within the bound it lands as sent.
        stored(
                nativeEvent(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":\"2026-11-23T11:00:00Z\"}",
                        origin(null, null)));
    }

    @Test
    void aLeapSecondLandsAsTheLastMillisecondBeforeIt() throws Exception {
        JsonNode event =
                stored(
                        nativeEvent(
                                "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":\"2016-12-31T23:59:60Z\"}",
                                origin(null, null)));
        assertThat(event.get("timestamp").textValue()).isEqualTo("2016-12-31T23:59:59.999Z");
    }

    @Test
    void aFieldOfTheWrongTypeIsRefusedNotReplaced() throws Exception {
        assertThat(
                        refusal(
                                nativeEvent(
                                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"context\":\"web\"}",
                                        origin("198.51.100.7", "curl/8"))))
                .isEqualTo("wrong_type at $.context");
        assertThat(
                        refusal(
                                nativeEvent(
                                        "{\"type\":\"app_open\",\"anonymous_id\":\"a\",\"timestamp\":17}",
                                        origin(null, null))))
                .isEqualTo("wrong_type at $.timestamp");
    }

    @Test
    void segmentFieldsOfTheWrongTypeAreRefusedPerEvent() throws Exception {
        assertThat(refusal(segmentCall("page", "{\"anonymousId\":\"a\",\"properties\":[1]}")))
                .isEqualTo("wrong_type at $.properties");
        assertThat(
                        refusal(
                                segmentCall(
                                        "track",
                                        "{\"anonymousId\":\"a\",\"event\":\"x\",\"messageId\":{\"a\":1}}")))
                .isEqualTo("wrong_type at $.messageId");
        assertThat(refusal(segmentCall("identify", "{\"userId\":\"u\",\"traits\":\"vip\"}")))
                .isEqualTo("wrong_type at $.traits");
    }

    @Test
    void segmentTraitsNestedToTheParsersLimitAreRefusedOnceMovedDeeper() throws Exception {
        // 32 levels as sent: the limit of the parser; under properties.traits it would be 33.
        String traits = "{\"a\":".repeat(30) + "1" + "}".repeat(30);
        EventPipeline.Result r =
                segmentCall("identify", "{\"userId\":\"u\",\"traits\":{\"t\":" + traits + "}}");
        assertThat(refusal(r)).startsWith("too_deep at $.properties.traits.t");
    }
}
