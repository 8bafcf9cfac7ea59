package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.eval.CompiledCondition;
import io.causality.rules.parse.Parser;
import io.causality.rules.validate.Diagnostic;
import io.causality.rules.validate.RuleValidator;
import io.causality.schemas.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regular expressions cannot stop or slow down a job, whatever the pattern and the input: each of
 * these was seen on or read out of the backtracking engine the rules used before.
 */
class RegexSafetyTest {
    private static CompiledCondition condition(String where) throws Exception {
        Rule r =
                Parser.parse("t", "rule \"t\" on any where " + where + " then emit \"x\" end")
                        .rules()
                        .get(0);
        return CompiledCondition.compile(((Rule.Match) r.trigger()).event().where());
    }

    private static JsonNode withUserAgent(String ua) {
        ObjectNode e = EventJson.mapper().createObjectNode();
        e.put("type", "app_open");
        e.putObject("context").put("user_agent", ua);
        return e;
    }

    @Test
    void aSearchAcrossAnOrdinaryLongUserAgentAnswersInsteadOfGivingUp() throws Exception {
        CompiledCondition bot = condition("$.context.user_agent matches \".*bot.*\"");
        String browser =
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                        .repeat(7);
        assertThat(browser.length()).isGreaterThan(500);
        assertThat(bot.test(withUserAgent(browser))).isFalse();
        assertThat(bot.test(withUserAgent(browser.repeat(10) + " Googlebot/2.1"))).isTrue();
    }

    @Test
    void anAlternationRepeatedOverTwentyThousandCharactersDoesNotOverflowTheStack()
            throws Exception {
        CompiledCondition ab = condition("$.context.user_agent matches \"^(a|b)*$\"");
        assertThat(ab.test(withUserAgent("ab".repeat(10_000)))).isTrue();
        assertThat(ab.test(withUserAgent("ab".repeat(10_000) + "c"))).isFalse();
    }

    @Test
    void aPatternThatBacktracksExponentiallyElsewhereRunsInLinearTime() throws Exception {
        // (a|aa)+$ on "aaa…ab" takes about 1.6^n steps in a backtracking engine.
        CompiledCondition aa = condition("$.context.user_agent matches \"^(a|aa)+$\"");
        assertThat(aa.test(withUserAgent("a".repeat(5_000) + "b"))).isFalse();
        assertThat(aa.test(withUserAgent("a".repeat(5_000)))).isTrue();
    }

    @Test
    void aRegexInsideAPathFilterIsRefusedWithWhatToWriteInstead() throws Exception {
        List<Diagnostic> problems =
                new RuleValidator()
                        .validate(
                                List.of(
                                        Parser.parse(
                                                "v.rules",
                                                "rule \"a\" on purchase_complete where"
                                                        + " $.properties.products[?(@.name =~ /^(a|aa)+$/)] exists"
                                                        + " then emit \"t\" end")));
        assertThat(problems).anySatisfy(d -> assertThat(d.isError()).isTrue());
        assertThat(problems.toString()).contains("=~").contains("matches");
    }
}
