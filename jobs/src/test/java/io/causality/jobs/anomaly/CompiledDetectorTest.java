package io.causality.jobs.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CompiledDetectorTest {
    private static CompiledDetector detector(String measure, String groupBy) throws Exception {
        String text =
                "detector \"d\" measure "
                        + measure
                        + " group by "
                        + groupBy
                        + " window 1m alert when above 1 then emit \"t\" end";
        return CompiledDetector.of(
                new DeployedRule(Parser.parse("t", text).rules().get(0), 1, Instant.EPOCH, "t"));
    }

    private static JsonNode event(String properties) throws Exception {
        return EventJson.readTree(
                ("{\"type\":\"app_open\",\"properties\":" + properties + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aGroupIsTheJsonArrayOfItsValuesAsJacksonWritesIt() throws Exception {
        CompiledDetector d =
                detector(
                        "count of app_open",
                        "$.properties.s, $.properties.i, $.properties.f, $.properties.b,"
                                + " $.properties.none");
        for (String s :
                new String[] {"plain", "quote \\\" and \\\\ slash", "tab\\t\\u0001", "ü €"}) {
            JsonNode e = event("{\"s\":\"" + s + "\",\"i\":12,\"f\":1.5e300,\"b\":true}");
            String group = d.group(e);
            var expected = EventJson.mapper().createArrayNode();
            expected.add(e.at("/properties/s")).add(12).add(1.5e300).add(true).addNull();
            assertThat(group).isEqualTo(expected.toString());
            assertThat(EventJson.mapper().readTree(group)).isEqualTo(expected);
        }
    }

    @Test
    void aDistinctCountTellsATextFromTheNumberItSpells() throws Exception {
        CompiledDetector d = detector("distinct count of $.properties.v on app_open", "$.type");
        long text = d.distinctHash(event("{\"v\":\"12\"}"));
        long number = d.distinctHash(event("{\"v\":12}"));
        assertThat(text).isNotEqualTo(number);
        assertThat(d.distinctHash(event("{\"v\":\"12\"}"))).isEqualTo(text);
    }
}
