package io.causality.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Paths read by walking the tree give exactly what Jayway gives, on every kind of document. */
class EventPathTest {
    private static final List<String> EVENTS =
            List.of(
                    "{\"a\": {\"b\": 1, \"c\": [10, {\"d\": \"x\"}], \"n\": null, \"e\": {}}, \"s\": \"t\","
                            + " \"weird key\": true, \"arr\": [[1, 2], [3]]}",
                    "{\"a\": [1, 2], \"s\": 5}",
                    "{\"a\": null}",
                    "{\"a\": \"text\"}",
                    "[1, 2, 3]",
                    "{}");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "$.a",
                "$.a.b",
                "$.a.c",
                "$.a.c[0]",
                "$.a.c[1].d",
                "$.a.c[2]",
                "$.a.n",
                "$.a.n.x",
                "$.a.e",
                "$.a.e.f",
                "$.s",
                "$.s.t",
                "$['weird key']",
                "$['a']['b']",
                "$.arr[0][1]",
                "$.arr[1][5]",
                "$.a[0]",
                "$.a[1].b",
                "$[0]",
                "$.missing.deeper"
            })
    void aWalkedPathReadsWhatJaywayReads(String path) throws Exception {
        EventPath walked = new EventPath(path);
        EventPath jayway = new EventPath(path, false);
        assertThat(walked.walks()).as("%s is walked", path).isTrue();
        assertThat(jayway.walks()).isFalse();
        for (String json : EVENTS) {
            JsonNode doc = EventJson.mapper().readTree(json);
            assertThat(walked.all(doc)).as("%s on %s", path, json).isEqualTo(jayway.all(doc));
            assertThat(walked.asJson(doc)).as("%s on %s", path, json).isEqualTo(jayway.asJson(doc));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "$.a[*]",
                "$..b",
                "$.a.c[?(@.d == 'x')]",
                "$.a.c[-1]",
                "$.a.c[0:1]",
                "$['a','s']"
            })
    void otherPathsAreLeftToJayway(String path) {
        assertThat(new EventPath(path).walks()).isFalse();
    }

    @Test
    void rulesReadingOnePathShareItAndTheSharedPathsStopGrowingAtTheBound() throws Exception {
        EventPath first = EventPath.shared("$.properties.shared_total");
        assertThat(EventPath.shared("$.properties.shared_total")).isSameAs(first);

        for (int i = 0; EventPath.sharedCount() < EventPath.MAX_SHARED; i++) {
            EventPath.shared("$.properties.filler_" + i);
        }
        EventPath past = EventPath.shared("$.properties.past_the_bound");
        assertThat(EventPath.sharedCount()).isEqualTo(EventPath.MAX_SHARED);
        assertThat(EventPath.shared("$.properties.past_the_bound")).isNotSameAs(past);
        JsonNode event = EventJson.mapper().readTree("{\"properties\": {\"past_the_bound\": 7}}");
        assertThat(past.one(event).asInt()).isEqualTo(7);
        assertThat(EventPath.shared("$.properties.shared_total")).isSameAs(first);
    }
}
