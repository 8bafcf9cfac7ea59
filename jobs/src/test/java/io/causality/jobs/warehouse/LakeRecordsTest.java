package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one streaming pass that turns an event's bytes into lake column values. */
class LakeRecordsTest {
    private static String value(byte[] columns, String column) {
        return Events.column(new LakeRow("e", "a", 0, columns), column);
    }

    private static byte[] pack(String json) throws Exception {
        return LakeRecords.pack(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void objectsKeptAsJsonAreTheEventsOwnBytesAndTheirLeavesAreColumnsToo() throws Exception {
        String context = "{\"os\":{\"name\":\"iOS\",\"version\":\"18.1\"},\"x\":[1,{\"y\":\"é\"}]}";
        String properties = "{\"total\":1e2,\"tags\":[\"a\",null],\"nested\":{\"deep\":true}}";
        byte[] columns =
                pack(
                        "{\"type\":\"track\",\"context\":"
                                + context
                                + ",\"properties\":"
                                + properties
                                + ",\"unknown\":{\"type\":\"not me\"}}");
        assertThat(value(columns, "context_json")).isEqualTo(context);
        assertThat(value(columns, "properties_json")).isEqualTo(properties);
        assertThat(value(columns, "context_os_name")).isEqualTo("iOS");
        assertThat(value(columns, "context_os_version")).isEqualTo("18.1");
        assertThat(value(columns, "type")).isEqualTo("track");
        assertThat(value(columns, "session_id")).isNull();
    }

    @Test
    void stringsWithEscapesAreDecodedAndOthersKeptAsTheirBytes() throws Exception {
        byte[] columns =
                pack(
                        "{\"type\":\"caf\u00e9 \\\"x\\\" \\u00e9\\n\",\"context\":{\"ip\":\"\",\"locale\":"
                                + "\"de-\u00dc\"}}");
        assertThat(value(columns, "type")).isEqualTo("caf\u00e9 \"x\" \u00e9\n");
        assertThat(value(columns, "context_ip")).isEmpty();
        assertThat(value(columns, "context_locale")).isEqualTo("de-\u00dc");
    }

    @Test
    void aRepeatedFieldsLastValueCountsAndReplacesWhatWasReadInsideTheFirst() throws Exception {
        byte[] columns =
                pack(
                        "{\"type\":\"a\",\"context\":{\"os\":{\"name\":\"iOS\"}},\"type\":\"b\","
                                + "\"context\":{\"ip\":\"10.0.0.1\"}}");
        assertThat(value(columns, "type")).isEqualTo("b");
        assertThat(value(columns, "context_os_name")).isNull();
        assertThat(value(columns, "context_ip")).isEqualTo("10.0.0.1");
        assertThat(value(columns, "context_json")).isEqualTo("{\"ip\":\"10.0.0.1\"}");
    }

    @Test
    void numbersAndInstantsGetTheirTypesAndNullIsAbsent() throws Exception {
        byte[] columns =
                pack(
                        "{\"timestamp\":\"2026-11-22T10:15:00.250Z\",\"context\":{\"screen\":"
                                + "{\"width\":1170,\"height\":null}},\"session_id\":null}");
        assertThat(value(columns, "timestamp")).isEqualTo("1795342500250");
        assertThat(value(columns, "context_screen_width")).isEqualTo("1170");
        assertThat(value(columns, "context_screen_height")).isNull();
        assertThat(value(columns, "session_id")).isNull();
    }

    @Test
    void aValueOfTheWrongTypeNamesItsColumnAndWhatItGot() throws Exception {
        assertThatThrownBy(() -> pack("{\"context\":{\"screen\":{\"width\":\"wide\"}}}"))
                .isInstanceOf(LakeRecords.WrongType.class)
                .hasMessage(
                        "column context_screen_width (/context/screen/width) needs a whole number"
                                + " that fits the column, got \"wide\"");
        assertThatThrownBy(
                        () -> pack("{\"context\":{\"screen\":{\"width\":99999999999999999999}}}"))
                .hasMessageContaining(
                        "needs a whole number that fits the column, got 99999999999999999999");
        assertThat(
                        value(
                                pack("{\"context\":{\"screen\":{\"width\":4.5E15}}}"),
                                "context_screen_width"))
                .isEqualTo("4500000000000000");
        assertThatThrownBy(() -> pack("{\"context\":{\"screen\":{\"width\":1e20}}}"))
                .hasMessageContaining("got 1e20");
        assertThatThrownBy(() -> pack("{\"context\":{\"screen\":{\"width\":1.5}}}"))
                .hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> pack("{\"context\":{\"screen\":{\"width\":{\"a\":1}}}}"))
                .hasMessageContaining("got an object");
        assertThatThrownBy(() -> pack("{\"timestamp\":\"yesterday\"}"))
                .hasMessageContaining("needs an RFC 3339 instant, got \"yesterday\"");
        assertThatThrownBy(() -> pack("[1]")).hasMessage("not a JSON object");
    }

    @Test
    void bytesThatAreNotJsonAreAnIoError() {
        assertThatThrownBy(() -> pack("{\"type\":\"a\",")).isInstanceOf(IOException.class);
    }
}
