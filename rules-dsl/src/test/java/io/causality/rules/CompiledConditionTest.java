package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.eval.CompiledCondition;
import io.causality.rules.eval.RuleEvaluationException;
import io.causality.rules.eval.SafeRegex;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompiledConditionTest {
    private static final JsonNode EVENT =
            parse(
                    """
            {"event_id": "e-1", "type": "purchase_complete", "user_id": "u-1", "session_id": null,
             "timestamp": "2026-11-22T10:00:00.000Z",
             "context": {"os": {"name": "iOS", "version": "18.1"}, "locale": "de-DE"},
             "properties": {"order_id": "o-1", "total": 512.5, "currency": "EUR", "tax": 0,
               "coupon": "WINTER-25", "gift": true,
               "products": [
                 {"product_id": "p-1", "price": 500, "quantity": 1, "category": "shoes"},
                 {"product_id": "p-2", "price": 12.5, "quantity": 2, "category": "socks"}],
               "tags": ["vip", "new"]}}
            """);

    private static JsonNode parse(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean test(String condition) throws Exception {
        Rule r =
                Parser.parse("t", "rule \"t\" on any where " + condition + " then emit \"x\" end")
                        .rules()
                        .get(0);
        return CompiledCondition.compile(((Rule.Match) r.trigger()).event().where()).test(EVENT);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // numbers by value, whatever their form
                "$.properties.total >= 500 | true",
                "$.properties.total > 512.5 | false",
                "$.properties.total == 512.50 | true",
                "$.properties.tax == 0 | true",
                "$.properties.tax == 0.0 | true",
                "$.properties.total < 1e3 | true",
                // strings, booleans, lists
                "$.properties.currency == \"EUR\" | true",
                "$.properties.currency != \"USD\" | true",
                "$.properties.currency in [\"USD\", \"EUR\"] | true",
                "$.properties.currency in [\"USD\", \"GBP\"] | false",
                "$.properties.gift == true | true",
                "$.timestamp >= \"2026-11-22\" | true",
                "$.properties.coupon contains \"WINTER\" | true",
                "$.properties.tags contains \"vip\" | true",
                "$.properties.tags contains \"gold\" | false",
                "$.properties.coupon matches \"^[A-Z]+-\\\\d+$\" | true",
                "$.context.os.name matches \"android\" | false",
                // nested, array indexes, wildcards and filters
                "$.context.os.version == \"18.1\" | true",
                "$.properties.products[1].category == \"socks\" | true",
                "$.properties.products[*].price > 400 | true",
                "$.properties.products[*].price > 600 | false",
                "$.properties.products[?(@.quantity > 1)].product_id == \"p-2\" | true",
                "$.properties.products[?(@.category == 'hats')] exists | false",
                "$..product_id contains \"p-\" | true",
                "$..product_id == \"p-1\" | true",
                // missing and null
                "$.properties.nope exists | false",
                "$.session_id exists | false",
                "$.session_id == null | true",
                "$.properties.nope == null | true",
                "$.properties.nope != \"x\" | true",
                "$.properties.nope > 1 | false",
                "$.user_id exists | true",
                // type mismatches are false, never an error
                "$.properties.total == \"512.5\" | false",
                "$.properties.total != \"512.5\" | false",
                "$.properties.currency > 5 | false",
                "$.properties.total matches \"5\" | false",
                "$.properties.total contains \"5\" | false",
                "$.properties.products[9].price > 1 | false",
                // and, or, not, parentheses
                "$.properties.total > 1 and $.properties.currency == \"USD\" | false",
                "$.properties.total > 1 or $.properties.currency == \"USD\" | true",
                "not ($.properties.total > 1 or $.properties.currency == \"USD\") | false",
                "not $.properties.nope exists and $.user_id == \"u-1\" | true",
            })
    void evaluates(String condition, boolean expected) throws Exception {
        assertThat(test(condition)).isEqualTo(expected);
    }

    @Test
    void anInputLongerThanMatchesSearchesIsAnEvaluationError() throws Exception {
        Rule r =
                Parser.parse(
                                "t",
                                "rule \"t\" on any where $.properties.s matches \"(.*a){12}x\" then emit \"x\" end")
                        .rules()
                        .get(0);
        CompiledCondition c = CompiledCondition.compile(((Rule.Match) r.trigger()).event().where());
        // In Java's engine this pattern takes minutes on 60 characters; here it answers.
        assertThat(c.test(parse("{\"properties\": {\"s\": \"" + "a".repeat(60) + "\"}}")))
                .isFalse();
        JsonNode huge =
                parse("{\"properties\": {\"s\": \"" + "a".repeat(SafeRegex.MAX_INPUT + 1) + "\"}}");
        assertThatThrownBy(() -> c.test(huge))
                .isInstanceOf(RuleEvaluationException.class)
                .hasMessageContaining("too long for matches");
    }
}
