package io.causality.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventValidatorTest {
    private static final EventValidator VALIDATOR = new EventValidator();

    @ParameterizedTest
    @EnumSource(EventType.class)
    void minimalEventOfEveryTypeIsValid(EventType type) {
        assertThat(VALIDATOR.validate(SampleEvents.minimal(type))).isEmpty();
    }

    @Test
    void fullPurchaseWithContextIsValid() throws IOException {
        JsonNode event =
                json(
                        """
                        {"event_id":"0190f8a2-7b7e-7c1a-9f00-0123456789ab","type":"purchase_complete",
                         "user_id":"u-1","session_id":"s-1","timestamp":"2026-11-22T10:00:00Z",
                         "context":{"ip":"203.0.113.9","os":{"name":"iOS","version":"18.1"},
                                    "screen":{"width":1170,"height":2532},"custom_key":"kept"},
                         "properties":{"order_id":"o-9","total":99.5,"currency":"USD",
                                       "products":[{"product_id":"p-1","price":49.75,"quantity":2}]}}
                        """);
        assertThat(VALIDATOR.validate(event)).isEmpty();
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                Arguments.of("{\"anonymous_id\":\"a\"}", "missing_field", "$.type"),
                Arguments.of("{\"type\":\"app_open\"}", "missing_identity", "$"),
                Arguments.of(
                        "{\"type\":\"purchase_completed\",\"user_id\":\"u\"}",
                        "unknown_event_type",
                        "$.type"),
                Arguments.of("{\"type\":\"custom\",\"user_id\":\"u\"}", "missing_field", "$.name"),
                Arguments.of(
                        "{\"type\":\"purchase_complete\",\"user_id\":\"u\",\"properties\":{\"order_id\":\"o\"}}",
                        "missing_field",
                        "$.properties.total"),
                Arguments.of(
                        "{\"type\":\"purchase_complete\",\"user_id\":\"u\",\"properties\":{\"order_id\":\"o\",\"total\":\"12\"}}",
                        "wrong_type",
                        "$.properties.total"),
                Arguments.of(
                        "{\"type\":\"purchase_complete\",\"user_id\":\"u\",\"properties\":{\"order_id\":\"o\",\"total\":-1}}",
                        "out_of_range",
                        "$.properties.total"),
                Arguments.of(
                        "{\"type\":\"refund\",\"user_id\":\"u\",\"properties\":{\"order_id\":\"o\",\"currency\":\"euro\"}}",
                        "invalid_format",
                        "$.properties.currency"),
                Arguments.of(
                        "{\"type\":\"error\",\"user_id\":\"u\",\"properties\":{\"message\":\"m\",\"severity\":\"panic\"}}",
                        "invalid_value",
                        "$.properties.severity"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"colour\":\"red\"}",
                        "unknown_field",
                        "$"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"event_id\":\"not-a-uuid\"}",
                        "invalid_format",
                        "$.event_id"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"timestamp\":\"yesterday\"}",
                        "invalid_format",
                        "$.timestamp"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"" + "x".repeat(257) + "\"}",
                        "too_long",
                        "$.user_id"),
                Arguments.of("{\"type\":\"app_open\",\"user_id\":\"\"}", "too_short", "$.user_id"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"properties\":[1]}",
                        "wrong_type",
                        "$.properties"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"context\":{\"screen\":{\"width\":\"wide\"}}}",
                        "wrong_type",
                        "$.context.screen.width"),
                Arguments.of(
                        "{\"type\":\"checkout_start\",\"user_id\":\"u\",\"properties\":{\"products\":[{\"quantity\":0}]}}",
                        "out_of_range",
                        "$.properties.products[0].quantity"),
                Arguments.of("[]", "not_an_object", "$"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"properties\":{\"x\":1e999999999}}",
                        "number_out_of_range",
                        "$.properties.x"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"anonymous_id\":\"\\ud800\"}",
                        "invalid_unicode",
                        "$.anonymous_id"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"properties\":{\"\\udc00k\":1}}",
                        "invalid_unicode",
                        "$.properties"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"context\":{\"screen\":"
                                + "{\"width\":18446744073709551616}}}",
                        "number_out_of_range",
                        "$.context.screen.width"),
                Arguments.of(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"context\":{\"screen\":"
                                + "{\"width\":1e20}}}",
                        "number_out_of_range",
                        "$.context.screen.width"));
    }

    @ParameterizedTest(name = "{1} at {2}")
    @MethodSource("invalidEvents")
    void reportsCodeAndPath(String event, String code, String path) throws IOException {
        List<Violation> violations = VALIDATOR.validate(json(event));
        assertThat(violations)
                .as("violations of %s", event)
                .anySatisfy(
                        v -> {
                            assertThat(v.code()).isEqualTo(code);
                            assertThat(v.path()).isEqualTo(path);
                            assertThat(v.message()).isNotBlank();
                        });
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() throws IOException {
        List<Violation> violations =
                VALIDATOR.validate(
                        json(
                                "{\"type\":\"purchase_complete\",\"properties\":{\"total\":\"x\"},\"session_id\":5}"));
        assertThat(violations)
                .extracting(Violation::code)
                .contains("missing_identity", "missing_field", "wrong_type");
        assertThat(violations).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void unknownTypeSuggestsCustomWhenNothingIsClose() throws IOException {
        List<Violation> violations =
                VALIDATOR.validate(json("{\"type\":\"zzzzzzzzzzzzzzzz\",\"user_id\":\"u\"}"));
        assertThat(violations)
                .singleElement()
                .extracting(Violation::message)
                .asString()
                .contains("custom");
    }

    @Test
    void purchaseFactoryIsValid() {
        ObjectNode event = SampleEvents.purchase("u-7", 30);
        assertThat(VALIDATOR.validate(event)).isEmpty();
    }

    /** The Segment mapping nests traits one level deeper: a tree can outgrow what was parsed. */
    @Test
    void aTreeDeeperThanTheReadersAcceptIsRefused() {
        ObjectNode event = SampleEvents.purchase("u-7", 30);
        ObjectNode inner = (ObjectNode) event.get("properties");
        for (int depth = 3; depth <= EventJson.MAX_NESTING_DEPTH + 1; depth++) {
            inner = inner.putObject("a");
        }
        assertThat(VALIDATOR.validate(event))
                .extracting(Violation::code, Violation::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "too_deep", "$.properties" + ".a".repeat(31)));
    }

    @Test
    void numbersTooSmallToKeepAreRefusedWhenReadExactly() throws IOException {
        var exact =
                EventJson.mapper()
                        .reader()
                        .with(
                                com.fasterxml.jackson.databind.DeserializationFeature
                                        .USE_BIG_DECIMAL_FOR_FLOATS);
        JsonNode event =
                exact.readTree(
                        "{\"type\":\"app_open\",\"user_id\":\"u\",\"properties\":"
                                + "{\"tiny\":1e-999999999,\"zero\":0.0,\"small\":4.9e-324}}");
        assertThat(VALIDATOR.validate(event))
                .extracting(Violation::code, Violation::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "number_out_of_range", "$.properties.tiny"));
    }

    @Test
    void aLeapSecondAndAValidPairOfSurrogatesAreAccepted() throws IOException {
        assertThat(
                        VALIDATOR.validate(
                                json(
                                        "{\"type\":\"app_open\",\"user_id\":\"\\ud83d\\ude00\","
                                                + "\"timestamp\":\"2016-12-31T23:59:60Z\"}")))
                .isEmpty();
    }

    private static JsonNode json(String s) throws IOException {
        return EventJson.mapper().readTree(s);
    }
}
