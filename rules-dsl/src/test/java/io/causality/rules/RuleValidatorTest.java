package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.rules.parse.Parser;
import io.causality.rules.validate.Diagnostic;
import io.causality.rules.validate.RuleValidator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleValidatorTest {
    private final RuleValidator validator = new RuleValidator();

    private List<String> problems(String text) throws Exception {
        return validator.validate(List.of(Parser.parse("v.rules", text))).stream()
                .map(Diagnostic::toString)
                .toList();
    }

    @Test
    void theExamplesAreValid() throws Exception {
        assertThat(validator.validate(ExampleRules.parseAll())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rule \"a\" on purchase_completed then emit \"t\" end"
                        + " | v.rules:1:13: error: rule \"a\": unknown event type 'purchase_completed'; did you mean 'purchase_complete'?",
                "rule \"a\" on video_played then emit \"t\" end"
                        + " | v.rules:1:13: error: rule \"a\": unknown event type 'video_played'; a custom event is written custom \"its name\"",
                "rule \"a\" on purchase_complete where $.properties.totl > 5 then emit \"t\" end"
                        + " | v.rules:1:37: error: rule \"a\": the properties of purchase_complete has no field 'totl'; did you mean 'total'?",
                "rule \"a\" on purchase_complete where $.properties.total > \"500\" then emit \"t\" end"
                        + " | v.rules:1:37: error: rule \"a\": the field is a number and \"500\" is not; the comparison could never be true (write the number without quotes)",
                "rule \"a\" on any where $.usr_id == \"x\" then emit \"t\" end"
                        + " | v.rules:1:23: error: rule \"a\": the event has no field 'usr_id'; did you mean 'user_id'?",
                "rule \"a\" on any where $.context.os.nme == \"x\" then emit \"t\" end"
                        + " | v.rules:1:23: error: rule \"a\": 'os' has no field 'nme'; did you mean 'name'?",
                "rule \"a\" on any where $.user_id matches \"(a)\\\\1\" then emit \"t\" end"
                        + " | v.rules:1:23: error: rule \"a\": not a regular expression: invalid escape sequence `\\1` (backreferences, lookahead and lookbehind are not supported: they would make matching take exponential time) in (a)\\1",
                "rule \"a\" on any where $.user_id matches \"[a-\" then emit \"t\" end"
                        + " | v.rules:1:23: error: rule \"a\": not a regular expression: missing closing ] in [a-",
                "rule \"a\" on purchase_complete where $.properties.total matches \"5\" then emit \"t\" end"
                        + " | v.rules:1:37: error: rule \"a\": $.properties.total is a number; matches works on strings",
                "rule \"a\" on any then webhook \"Sales Team\" end"
                        + " | v.rules:1:22: error: rule \"a\": an endpoint name is 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit (the URL is registered under that name: causality endpoints add)",
                "rule \"a\" on any then emit \"t\" with {\"k\": @key} end"
                        + " | v.rules:1:42: error: rule \"a\": @key is the key of a sequence; this rule has none",
                "rule \"a\" sequence by $.user_id within 1m cart_add as add then emit \"t\" with {\"p\": $ad.user_id} end"
                        + " | v.rules:1:83: error: rule \"a\": no step is named 'ad'; did you mean 'add'?",
                "rule \"a\" sequence by $.user_id within 40d cart_add then emit \"t\" end"
                        + " | v.rules:1:10: error: rule \"a\": the window must be longer than 0 and at most 31d",
                "rule \"a\" sequence by $.user_id within 1m 0 times cart_add then emit \"t\" end"
                        + " | v.rules:1:42: error: rule \"a\": a step repeats 1 to 1000 times, not 0",
                "rule \"Big One\" on any then emit \"t\" end"
                        + " | v.rules:1:1: error: rule \"Big One\": a rule name is 1-128 characters of a-z, 0-9, '.', '-' or '_', starting with a letter or digit",
                "rule \"a\" for app \"Demo Shop\" on any then emit \"t\" end"
                        + " | v.rules:1:1: error: rule \"a\": 'Demo Shop': app id must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit",
                "rule \"a\" on any where $.x[?(@.a >> 1)] exists then emit \"t\" end"
                        + " | v.rules:1:23: error: rule \"a\": not a JSONPath",
            })
    void findsProblemsWithWhereAndASuggestion(String text, String expected) throws Exception {
        assertThat(problems(text)).singleElement().asString().startsWith(expected);
    }

    @Test
    void aPropertyTheSchemaDoesNotListIsAWarningUnlessItLooksLikeATypo() throws Exception {
        List<Diagnostic> d =
                validator.validate(
                        List.of(
                                Parser.parse(
                                        "v.rules",
                                        "rule \"a\" on purchase_complete where $.properties.gift_wrap == true"
                                                + " then emit \"t\" end")));
        assertThat(d).singleElement().matches(x -> !x.isError());
        assertThat(d.get(0).message())
                .contains("has no field 'gift_wrap'")
                .contains("read as the app sent it");
    }

    @Test
    void customEventsAndFiltersAreNotCheckedAgainstSchemas() throws Exception {
        assertThat(
                        problems(
                                "rule \"a\" on custom \"video_played\" where $.properties.secs > 10 and"
                                        + " $.context.screen.width > 100 then emit \"t\" end"))
                .isEmpty();
        assertThat(
                        problems(
                                "rule \"a\" on purchase_complete where"
                                        + " $.properties.products[?(@.price > 1)].sku exists then emit \"t\" end"))
                .isEmpty();
    }

    @Test
    void namesAreUniqueAcrossFiles() throws Exception {
        var a = Parser.parse("a.rules", "rule \"x\" on any then emit \"t\" end");
        var b = Parser.parse("b.rules", "\n\nrule \"x\" on any then emit \"u\" end");
        assertThat(validator.validate(List.of(a, b)))
                .extracting(Diagnostic::toString)
                .containsExactly(
                        "b.rules:3:1: error: rule \"x\": the name is already used by the rule at a.rules:1:1");
    }

    @Test
    void typesOfNestedArrayItemsAreKnown() throws Exception {
        assertThat(
                        problems(
                                "rule \"a\" on purchase_complete where $.properties.products[*].price == \"1\""
                                        + " then emit \"t\" end"))
                .singleElement()
                .asString()
                .contains("the field is a number");
    }
}
