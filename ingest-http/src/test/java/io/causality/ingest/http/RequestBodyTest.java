package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.ingest.EventPipeline;
import io.causality.schemas.EventValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bodies and credentials as the handler reads them, without a server. */
class RequestBodyTest {
    private final RequestBody bodies =
            new RequestBody(
                    new EventPipeline(
                                    new EventValidator(), 1 << 20, 32 * 1024, Duration.ofHours(24))
                            .reader());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void refused(byte[] body, ApiError error, String messagePart) {
        assertThatThrownBy(() -> bodies.parse(body))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(error))
                .hasMessageContaining(messagePart);
    }

    @Test
    void badBodiesAreRefusedWithTheirCodeAndWhereTheProblemIs() {
        refused(new byte[0], ApiError.MALFORMED_JSON, "empty");
        refused(utf8("  \n "), ApiError.MALFORMED_JSON, "empty");
        refused(utf8("{\"a\":\n1,}"), ApiError.MALFORMED_JSON, "line 2");
        refused(utf8("{\"a\":1} {\"b\":2}"), ApiError.MALFORMED_JSON, "not valid JSON");
        refused(utf8("[".repeat(40) + "]".repeat(40)), ApiError.TOO_DEEP, "32 levels");
        // An overlong encoding of '/', which Jackson alone would let through.
        refused(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},
                ApiError.INVALID_ENCODING,
                "UTF-8");
        refused(utf8("{\"n\":" + "1".repeat(70) + "}"), ApiError.MALFORMED_JSON, "parser limit");
    }

    @Test
    void eachEndpointTakesItsShapeOfBatch() throws Exception {
        JsonNode array = bodies.parse(utf8("[{\"a\":1},{\"a\":2}]"));
        assertThat(RequestBody.items(Endpoint.EVENT_BATCH, array)).hasSize(2);
        JsonNode events = bodies.parse(utf8("{\"events\":[{\"a\":1}]}"));
        assertThat(RequestBody.items(Endpoint.EVENT_BATCH, events)).hasSize(1);
        JsonNode segment = bodies.parse(utf8("{\"batch\":[{\"type\":\"track\"}]}"));
        assertThat(RequestBody.items(Endpoint.SEGMENT_BATCH, segment)).hasSize(1);
        assertThatThrownBy(() -> RequestBody.items(Endpoint.SEGMENT_BATCH, array))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_BATCH));
        assertThatThrownBy(() -> RequestBody.items(Endpoint.EVENT, array))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.MALFORMED_JSON))
                .hasMessageContaining("batch endpoint");
    }
}
