package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.eval.EventPath;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialEventReaderTest {
    private static final List<String> PATHS =
            List.of(
                    "$.context.device.id",
                    "$.properties.n",
                    "$.properties['odd.name']",
                    "$.properties.items[1].sku",
                    "$.properties.tags[*]",
                    "$.user_id",
                    "$.context.os");

    private static final List<String> EVENTS =
            List.of(
                    "{\"type\":\"app_open\",\"user_id\":\"u-1\",\"context\":{\"device\":{\"id\":\"d-1\","
                            + "\"model\":\"x\"},\"os\":{\"name\":\"ios\"},\"ip\":\"1.2.3.4\"},"
                            + "\"properties\":{\"n\":3,\"odd.name\":true,\"items\":[{\"sku\":\"a\"},"
                            + "{\"sku\":\"b\"}],\"tags\":[\"x\",\"y\"],\"big\":{\"deep\":[1,2,3]}}}",
                    // a field a path descends into is not an object here
                    "{\"type\":\"custom\",\"name\":\"n\",\"context\":[1,2],\"properties\":\"text\"}",
                    "{\"type\":\"custom\",\"context\":{\"device\":null},\"properties\":{\"n\":1.5e300}}",
                    // a field given twice: the last one counts, as in the whole tree
                    "{\"type\":\"a\",\"user_id\":1,\"user_id\":2,\"context\":{\"device\":{\"id\":1}},"
                            + "\"context\":{\"os\":\"linux\"}}",
                    "{}");

    @Test
    void everyPathReadsTheSameFromThePartAsFromTheWholeEvent() throws IOException {
        PartialEventReader reader = PartialEventReader.of(PATHS);
        assertThat(reader.readsWhole()).isFalse();
        for (String text : EVENTS) {
            byte[] json = text.getBytes(StandardCharsets.UTF_8);
            JsonNode whole = EventJson.readTree(json);
            JsonNode part = reader.read(json);
            for (String path : PATHS) {
                EventPath p = new EventPath(path);
                assertThat(p.all(part)).as(path + " in " + text).isEqualTo(p.all(whole));
            }
            assertThat(part.path("type")).isEqualTo(whole.path("type"));
            assertThat(part.path("name")).isEqualTo(whole.path("name"));
        }
    }

    @Test
    void leavesOutWhatNoPathReaches() throws IOException {
        JsonNode part =
                PartialEventReader.of(PATHS).read(EVENTS.get(0).getBytes(StandardCharsets.UTF_8));
        assertThat(part.path("context").has("ip")).isFalse();
        assertThat(part.path("context").path("device").has("model")).isFalse();
        assertThat(part.path("properties").has("big")).isFalse();
        assertThat(part.path("properties").path("items")).hasSize(2);
    }

    @Test
    void aFilterOrDeepScanReadsTheWholeEvent() throws IOException {
        for (String path : List.of("$..id", "$.properties.items[?(@.sku == 'a')]")) {
            PartialEventReader reader = PartialEventReader.of(List.of(path));
            assertThat(reader.readsWhole()).isTrue();
            byte[] json = EVENTS.get(0).getBytes(StandardCharsets.UTF_8);
            assertThat(reader.read(json)).isEqualTo(EventJson.readTree(json));
        }
    }

    @Test
    void notJsonFailsAsTheWholeReaderDoes() {
        PartialEventReader reader = PartialEventReader.of(PATHS);
        assertThatThrownBy(
                        () ->
                                reader.read(
                                        "{\"type\":\"a\",\"user_id\":"
                                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
