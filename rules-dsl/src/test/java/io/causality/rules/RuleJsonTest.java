package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.json.RuleJson;
import io.causality.rules.parse.ParsedRules;
import io.causality.schemas.EventJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleJsonTest {
    @Test
    void everyExampleRuleRoundTripsThroughItsJsonText() throws Exception {
        int n = 0;
        for (ParsedRules file : ExampleRules.parseAll()) {
            for (Rule rule : file.rules()) {
                String text = EventJson.mapper().writeValueAsString(RuleJson.toJson(rule));
                Rule back = RuleJson.fromJson(EventJson.mapper().readTree(text));
                assertThat(back).isEqualTo(rule);
                assertThat(RuleJson.toJson(back)).isEqualTo(RuleJson.toJson(rule));
                n++;
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(5);
    }

    @Test
    void theWireFormatIsWhatTheDocsShow() throws Exception {
        Rule r =
                io.causality.rules.parse.Parser.parse(
                                "t",
                                "rule \"r\" for app \"a\" on purchase_complete where $.properties.total >= 500"
                                        + " then webhook \"w\" with {\"o\": $.properties.order_id, \"k\": @rule} end")
                        .rules()
                        .get(0);
        assertThat(RuleJson.toJson(r).toString())
                .isEqualTo(
                        "{\"name\":\"r\",\"apps\":[\"a\"],\"on\":{\"event\":{\"type\":\"purchase_complete\"},"
                                + "\"where\":{\"path\":\"$.properties.total\",\"op\":\">=\",\"value\":500}},"
                                + "\"actions\":[{\"webhook\":\"w\",\"payload\":{\"o\":{\"path\":\"$.properties.order_id\"},"
                                + "\"k\":{\"match\":\"rule\"}}}]}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[] | $: must be an object",
                "{\"apps\": []} | $.name: must be a string",
                "{\"name\": \"x\", \"actions\": []} | $: needs exactly one of \"on\", \"sequence\" and \"detector\"",
                "{\"name\": \"x\", \"on\": {\"event\": {}}, \"actions\": []} | $.on.event: needs \"type\", \"custom\" (strings) or \"any\": true",
                "{\"name\": \"x\", \"on\": {\"event\": {\"any\": true}, \"where\": {\"path\": \"$.a\", \"op\": \"~\", \"value\": 1}}, \"actions\": []} | $.on.where.op: unknown operator ~",
                "{\"name\": \"x\", \"on\": {\"event\": {\"any\": true}, \"where\": {\"and\": [{\"path\": \"$.a\", \"op\": \"exists\"}]}}, \"actions\": []} | $.on.where.and: must list two or more conditions",
                "{\"name\": \"x\", \"sequence\": {\"key\": \"$.u\", \"within_ms\": 0, \"steps\": []}, \"actions\": []} | $.sequence.within_ms: must be a positive number",
                "{\"name\": \"x\", \"on\": {\"event\": {\"any\": true}}, \"actions\": [{\"mail\": \"x\"}]} | $.actions[0]: needs \"webhook\" or \"emit\" (a string)",
            })
    void jsonThatIsNotARuleSaysWhereAndWhy(String json, String message) throws Exception {
        JsonNode node = EventJson.mapper().readTree(json);
        assertThatThrownBy(() -> RuleJson.fromJson(node))
                .isInstanceOf(RuleJson.InvalidRuleJson.class)
                .hasMessage(message);
    }
}
