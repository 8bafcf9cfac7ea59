package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.causality.rules.parse.Parser;
import io.causality.rules.parse.RuleSyntaxException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;

    private static Rule one(String text) throws RuleSyntaxException {
        List<Rule> rules = Parser.parse("t.rules", text).rules();
        assertThat(rules).hasSize(1);
        return rules.get(0);
    }

    @Test
    void aPerEventRuleWithPrecedenceOfNotAndOr() throws Exception {
        Rule r =
                one(
                        """
                        rule "r1" for app "a", "b"
                          on purchase_complete
                            where $.properties.total >= 500 and not $.user_id exists
                               or $.properties.currency in ["USD", "EUR"]
                          then webhook "hook" with {"t": $.properties.total, "k": "x", "n": 1.5}
                           and emit "topic"
                        end
                        """);
        assertThat(r.name()).isEqualTo("r1");
        assertThat(r.apps()).containsExactly("a", "b");
        Condition expected =
                new Condition.Or(
                        List.of(
                                new Condition.And(
                                        List.of(
                                                new Condition.Compare(
                                                        "$.properties.total",
                                                        Operator.GE,
                                                        J.numberNode(500)),
                                                new Condition.Not(
                                                        new Condition.Exists("$.user_id")))),
                                new Condition.Compare(
                                        "$.properties.currency",
                                        Operator.IN,
                                        J.arrayNode().add("USD").add("EUR"))));
        assertThat(r.trigger())
                .isEqualTo(
                        new Rule.Match(
                                new EventPattern(
                                        EventSelector.type("purchase_complete"), expected)));
        assertThat(r.actions())
                .containsExactly(
                        new Action(
                                Action.Kind.WEBHOOK,
                                "hook",
                                Map.of(
                                        "t",
                                                new PayloadValue.EventField(
                                                        null, "$.properties.total"),
                                        "k", new PayloadValue.Literal(J.textNode("x")),
                                        "n", new PayloadValue.Literal(J.numberNode(1.5)))),
                        new Action(Action.Kind.EMIT, "topic", Map.of()));
    }

    @Test
    void aSequenceWithStepsCountsAliasesAndAbsence() throws Exception {
        Rule r =
                one(
                        """
                        rule "s" sequence by $.user_id within 30m
                            cart_add as added
                            followed by 3 times custom "video_played" where $.properties.secs > 10
                            not followed by purchase_complete
                          then emit "t" with {"p": $added.properties.product_id, "k": @key}
                        end
                        """);
        Rule.Sequence s = (Rule.Sequence) r.trigger();
        assertThat(s.keyPath()).isEqualTo("$.user_id");
        assertThat(s.withinMillis()).isEqualTo(30 * 60_000L);
        assertThat(s.steps())
                .containsExactly(
                        new Rule.Step(
                                new EventPattern(EventSelector.type("cart_add"), null), 1, "added"),
                        new Rule.Step(
                                new EventPattern(
                                        EventSelector.custom("video_played"),
                                        new Condition.Compare(
                                                "$.properties.secs",
                                                Operator.GT,
                                                J.numberNode(10))),
                                3,
                                null));
        assertThat(s.absent())
                .isEqualTo(new EventPattern(EventSelector.type("purchase_complete"), null));
        assertThat(r.actions().get(0).payload())
                .containsEntry("p", new PayloadValue.EventField("added", "$.properties.product_id"))
                .containsEntry("k", new PayloadValue.MatchInfo(PayloadValue.Fact.KEY));
    }

    @Test
    void pathsKeepFiltersWildcardsAndQuotedNamesWhole() throws Exception {
        Rule r =
                one(
                        """
                        rule "p" on any where $.properties.products[?(@.price > 100 && @.name != 'a b')].sku exists
                          and $['context']['os'].name matches "^i(OS|PadOS)$" then emit "t" end
                        """);
        Condition.And and = (Condition.And) ((Rule.Match) r.trigger()).event().where();
        assertThat(and.terms().get(0))
                .isEqualTo(
                        new Condition.Exists(
                                "$.properties.products[?(@.price > 100 && @.name != 'a b')].sku"));
        assertThat(((Condition.Compare) and.terms().get(1)).path())
                .isEqualTo("$['context']['os'].name");
    }

    @Test
    void severalRulesCommentsAndEscapes() throws Exception {
        var parsed =
                Parser.parse(
                        "t.rules",
                        """
                        # first
                        rule "a" on app_open then emit "t" end  # trailing
                        rule "b" on custom then webhook "w" with {"q": "say \\"hi\\"\\n"} end
                        """);
        assertThat(parsed.rules()).extracting(Rule::name).containsExactly("a", "b");
        assertThat(((Rule.Match) parsed.rules().get(1).trigger()).event().selector())
                .isEqualTo(EventSelector.type("custom"));
        assertThat(parsed.rules().get(1).actions().get(0).payload().get("q"))
                .isEqualTo(new PayloadValue.Literal(J.textNode("say \"hi\"\n")));
        assertThat(parsed.source().of(parsed.rules().get(1)).line()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rule a on app_open then emit \"t\" end | 1:6: expected the rule's name in quotes, found 'a'",
                "rule \"a\" app_open then emit \"t\" end | 1:10: expected 'on <event type>' or 'sequence by <path> within <duration>', found 'app_open'",
                "rule \"a\" on app_open where $.x = 1 then emit \"t\" end | 1:32: unexpected '='; comparisons use '=='",
                "rule \"a\" on app_open where $.x > then emit \"t\" end | 1:34: expected a value: a \"string\", a number, true, false, null or a [list], found 'then'",
                "rule \"a\" on app_open where $.x in 5 then emit \"t\" end | 1:35: expected a list after 'in', e.g. [\"USD\", \"EUR\"], found '5'",
                "rule \"a\" on app_open where $.x is 5 then emit \"t\" end | 1:32: expected an operator after $.x: ==, !=, >, >=, <, <=, in, contains, matches or exists, found 'is'",
                "rule \"a\" on app_open then emit \"t\" | 1:35: expected 'and' another action, or 'end' to close the rule, found the end of the file",
                "rule \"a\" on app_open then send \"t\" end | 1:27: expected an action: webhook \"endpoint\" or emit \"topic\", found 'send'",
                "rule \"a\" sequence by $.u within 30 x then emit \"t\" end | 1:33: expected a duration such as 30m, 1h or 7d, found '30'",
                "rule \"a\" sequence by $.u within 30y a then emit \"t\" end | 1:33: '30y' is not a duration; write a whole number and one of ms, s, m, h, d (e.g. 30m)",
                "rule \"a\" sequence by $s.u within 3m a then emit \"t\" end | 1:22: here a path starts at the event itself: write $.field (a step's name such as $s can be used in a payload only)",
                "rule \"a on app_open then emit \"t\" end | 1:33: string not closed: expected '\"' before the end of the line",
                "rule \"a\" on app_open where ($.x == 1 then emit \"t\" end | 1:38: expected ')' to close the '(' at 1:28, found 'then'",
                "rule \"a\" on app_open then emit \"t\" with {\"a\": @who} end | 1:47: unknown @who; known: @key, @rule, @version, @time, @event_ids, @count, @value, @baseline, @severity, @state, @group, @window_start, @window_end",
                "rule \"a\" on app_open where $.x[?(@.y > 1 == 2 then emit \"t\" end | 1:28: path not closed: a '[' or quote has no partner",
            })
    void errorsSayWhereAndWhatWasExpected(String text, String expected) {
        assertThatThrownBy(() -> Parser.parse("f.rules", text))
                .isInstanceOf(RuleSyntaxException.class)
                .hasMessage("f.rules:" + expected);
    }

    @Test
    void errorsOnLaterLinesCountLinesAndColumns() {
        assertThatThrownBy(
                        () ->
                                Parser.parse(
                                        "x.rules",
                                        "rule \"a\"\n  on app_open\n  where $.x >= \n  then emit \"t\" end"))
                .isInstanceOfSatisfying(
                        RuleSyntaxException.class,
                        e -> {
                            assertThat(e.line()).isEqualTo(4);
                            assertThat(e.column()).isEqualTo(3);
                        });
    }

    @Test
    void theExamplesParse() throws Exception {
        assertThat(ExampleRules.parseAll().stream().mapToInt(p -> p.rules().size()).sum())
                .isGreaterThanOrEqualTo(5);
    }
}
