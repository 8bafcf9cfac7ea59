package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventIdKeyTest {
    private static String key(String json, long offset) {
        return new EventIdKey()
                .getKey(new RawRecord("t", 2, offset, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theTopLevelEventIdWhereverItStands() {
        assertThat(key("{\"event_id\":\"e1\",\"type\":\"app_open\"}", 0)).isEqualTo("e1");
        assertThat(
                        key(
                                "{\"context\":{\"event_id\":\"nested\"},\"list\":[{\"event_id\":1}],"
                                        + "\"event_id\":\"e2\"}",
                                0))
                .isEqualTo("e2");
    }

    @Test
    void recordsWithoutOneGetKeysOfTheirOwnSoThatNoneIsDroppedAsADuplicate() {
        String notJson = key("not json", 7);
        assertThat(notJson).isEqualTo("\u0000t/2/7");
        assertThat(key("not json", 8)).isNotEqualTo(notJson);
        assertThat(key("[1,2]", 9)).isEqualTo("\u0000t/2/9");
        assertThat(key("{\"event_id\":5}", 10)).isEqualTo("\u0000t/2/10");
        assertThat(key("{\"type\":\"app_open\"}", 11)).isEqualTo("\u0000t/2/11");
        assertThat(key("{\"event_id\":\"e3\"", 12)).as("cut off after the id").isEqualTo("e3");
    }
}
