package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.Detector.Alert;
import io.causality.rules.Detector.Measure;
import io.causality.rules.json.RuleJson;
import io.causality.rules.parse.Parser;
import io.causality.rules.parse.RuleSyntaxException;
import io.causality.rules.validate.Diagnostic;
import io.causality.rules.validate.RuleValidator;
import io.causality.schemas.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Detectors in the rule language: parsing, the JSON form and validation. */
class DetectorLanguageTest {
    private final RuleValidator validator = new RuleValidator();

    private static Rule parse(String text) throws RuleSyntaxException {
        return Parser.parse("d.rules", text).rules().get(0);
    }

    private List<String> problems(String text) throws Exception {
        return validator.validate(List.of(Parser.parse("d.rules", text))).stream()
                .filter(Diagnostic::isError)
                .map(Diagnostic::message)
                .toList();
    }

    @Test
    void aThresholdDetectorWithFlapControl() throws Exception {
        Rule r =
                parse(
                        """
                        detector "drop" for app "shop"
                          measure count of purchase_complete where $.properties.total > 0
                          window 1m
                          alert when below 2 for 2m
                          keep firing 1m
                          cooldown 5m
                          then webhook "oncall" with {"v": @value, "s": @state}
                        end
                        """);
        assertThat(r.isDetector()).isTrue();
        assertThat(r.apps()).containsExactly("shop");
        Detector d = (Detector) r.trigger();
        assertThat(d.measure()).isInstanceOf(Measure.Count.class);
        assertThat(d.measure().patterns().get(0).where()).isNotNull();
        assertThat(d.windowMillis()).isEqualTo(60_000);
        assertThat(d.slideMillis()).isEqualTo(60_000);
        assertThat(d.maxGroups()).isEqualTo(Detector.DEFAULT_MAX_GROUPS);
        assertThat(d.alert()).isEqualTo(new Alert.Threshold(Alert.Direction.BELOW, 2));
        assertThat(d.flap()).isEqualTo(new Detector.Flap(120_000, 60_000, 300_000));
        assertThat(r.actions().get(0).payload().get("v"))
                .isEqualTo(new PayloadValue.MatchInfo(PayloadValue.Fact.VALUE));
    }

    @Test
    void everyMeasureAndAlertParses() throws Exception {
        Detector sum =
                (Detector)
                        parse(
                                        "detector \"x\" measure avg of $.properties.total on purchase_complete"
                                                + " group by $.context.os.name, $.context.app.version limit 50"
                                                + " window 1h every 10m lateness 5m"
                                                + " alert when deviates below by 2.5 sigma over 24 windows seasonal weekly min history 3"
                                                + " then emit \"t\" end")
                                .trigger();
        assertThat(sum.measure())
                .isEqualTo(
                        new Measure.Aggregate(
                                Measure.Function.AVG,
                                "$.properties.total",
                                new EventPattern(EventSelector.type("purchase_complete"), null)));
        assertThat(sum.groupBy()).containsExactly("$.context.os.name", "$.context.app.version");
        assertThat(sum.maxGroups()).isEqualTo(50);
        assertThat(sum.slideMillis()).isEqualTo(600_000);
        assertThat(sum.latenessMillis()).isEqualTo(300_000);
        assertThat(sum.alert())
                .isEqualTo(
                        new Alert.Deviation(
                                Alert.Direction.BELOW,
                                2.5,
                                Alert.Spread.SIGMA,
                                24,
                                Alert.Seasonality.WEEKLY,
                                3));

        Detector ratio =
                (Detector)
                        parse(
                                        "detector \"x\" measure ratio of purchase_complete to checkout_start"
                                                + " window 1h alert when drops by 50 percent then emit \"t\" end")
                                .trigger();
        assertThat(ratio.measure()).isInstanceOf(Measure.Ratio.class);
        assertThat(ratio.measure().patterns()).hasSize(2);
        assertThat(ratio.alert()).isEqualTo(new Alert.Change(Alert.Direction.BELOW, 50, true));

        Detector distinct =
                (Detector)
                        parse(
                                        "detector \"x\" measure distinct count of $.user_id on app_open"
                                                + " window 1d alert when changes by 100 then emit \"t\" end")
                                .trigger();
        assertThat(distinct.measure())
                .isEqualTo(
                        new Measure.DistinctCount(
                                "$.user_id",
                                new EventPattern(EventSelector.type("app_open"), null)));
        assertThat(distinct.alert())
                .isEqualTo(new Alert.Change(Alert.Direction.EITHER, 100, false));

        Detector silent =
                (Detector)
                        parse(
                                        "detector \"x\" measure count of custom \"heartbeat\" group by $.anonymous_id"
                                                + " window 1m alert when no data for 10m then emit \"t\" end")
                                .trigger();
        assertThat(silent.alert()).isEqualTo(new Alert.NoData(600_000));

        Detector deviation =
                (Detector)
                        parse(
                                        "detector \"x\" measure count of any window 5m"
                                                + " alert when deviates by 3 mad over 48 windows then emit \"t\" end")
                                .trigger();
        assertThat(deviation.alert())
                .isEqualTo(
                        new Alert.Deviation(
                                Alert.Direction.EITHER,
                                3,
                                Alert.Spread.MAD,
                                48,
                                Alert.Seasonality.NONE,
                                Alert.Deviation.DEFAULT_MIN_HISTORY));
    }

    @Test
    void theJsonFormRoundTripsAndIsWhatTheDocsShow() throws Exception {
        Rule r =
                parse(
                        "detector \"d\" for app \"a\" measure count of purchase_complete window 1m"
                                + " alert when below 3 for 2m cooldown 5m then webhook \"w\" with {\"v\": @value} end");
        JsonNode json = RuleJson.toJson(r);
        assertThat(json.toString())
                .isEqualTo(
                        "{\"name\":\"d\",\"apps\":[\"a\"],\"detector\":{"
                                + "\"measure\":{\"count\":{\"event\":{\"type\":\"purchase_complete\"}}},"
                                + "\"group_by\":[],\"max_groups\":1000,\"window_ms\":60000,\"slide_ms\":60000,"
                                + "\"lateness_ms\":0,\"alert\":{\"threshold\":{\"direction\":\"below\",\"bound\":3.0}},"
                                + "\"flap\":{\"pending_ms\":120000,\"keep_firing_ms\":0,\"cooldown_ms\":300000}},"
                                + "\"actions\":[{\"webhook\":\"w\",\"payload\":{\"v\":{\"match\":\"value\"}}}]}");
        Rule back = RuleJson.fromJson(EventJson.mapper().readTree(json.toString()));
        assertThat(back).isEqualTo(r);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"measure\": {\"median\": {}}, \"window_ms\": 1000, \"alert\": {}} | $.detector.measure: unknown measure median",
                "{\"measure\": {\"count\": {\"event\": {\"any\": true}}}, \"window_ms\": 0, \"alert\": {}} | $.detector.window_ms: must be a positive number of milliseconds",
                "{\"measure\": {\"count\": {\"event\": {\"any\": true}}}, \"window_ms\": 1000, \"alert\": {\"threshold\": {\"direction\": \"either\", \"bound\": 1}}} | $.detector.alert.threshold.direction: must be above or below",
                "{\"measure\": {\"count\": {\"event\": {\"any\": true}}}, \"window_ms\": 1000, \"alert\": {\"deviation\": {\"direction\": \"above\", \"k\": 3, \"spread\": \"iqr\", \"windows\": 5, \"min_history\": 2}}} | $.detector.alert.deviation.spread: must be sigma or mad",
            })
    void jsonThatIsNotADetectorSaysWhereAndWhy(String detector, String message) throws Exception {
        JsonNode node =
                EventJson.mapper()
                        .readTree(
                                "{\"name\": \"x\", \"detector\": "
                                        + detector
                                        + ", \"actions\": []}");
        assertThatThrownBy(() -> RuleJson.fromJson(node))
                .isInstanceOf(RuleJson.InvalidRuleJson.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "detector \"x\" window 1m | expected 'measure' and what to measure",
                "detector \"x\" measure median of $.a on any | expected what to measure: count, sum, avg, min, max, distinct count or ratio",
                "detector \"x\" measure count of any alert when below 1 | expected 'window' and its size",
                "detector \"x\" measure count of any window 1m alert when weird | expected when to alert",
                "detector \"x\" measure count of any window 1m alert when deviates by 3 stddev | expected 'sigma' (standard deviations) or 'mad'",
                "detector \"x\" measure count of any window 1m alert when below 1 then emit \"t\" | expected 'and' another action, or 'end' to close the detector",
            })
    void syntaxErrorsSayWhatWasExpected(String text, String expected) {
        assertThatThrownBy(() -> Parser.parse("d.rules", text))
                .isInstanceOf(RuleSyntaxException.class)
                .hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "measure sum of $.user_id on purchase_complete window 1m alert when above 1 | $.user_id is a string; sum needs numbers",
                "measure count of any window 10m every 3m alert when above 1 | 'every' must divide the window: window 10m every 3m does not",
                "measure count of any window 1d every 1m alert when above 1 | a window is at most 100 slides long",
                "measure count of any window 500ms alert when above 1 | a window is 1s to 7d long",
                "measure count of any group by $.a, $.b, $.c, $.d, $.e, $.f window 1m alert when above 1 | a detector groups by at most 5 paths",
                "measure count of any group by $.user_id limit 0 window 1m alert when above 1 | the group limit is 1 to 100000, not 0",
                "measure count of any window 1m alert when drops by 150 percent | a value cannot drop by more than 100 percent",
                "measure count of any window 1m alert when no data for 10s | no data for a duration from one slide of the window (1m) to 31d",
                "measure count of any window 1m alert when deviates by 3 sigma over 1 windows | a baseline needs 2 or more earlier windows",
                "measure count of any window 1m alert when deviates by 3 sigma over 30 windows seasonal daily | keeps 43200 values per group; at most 10000",
                "measure count of any window 7m alert when deviates by 3 sigma over 3 windows seasonal daily | a daily season must be a whole number of slides",
                "measure count of any window 1m alert when deviates by 3 sigma over 10 windows min history 11 | min history is 1 to the baseline's 10 windows",
                "measure count of any window 1m alert when above 1 for 2d | for, keep firing and cooldown are 0 to 1d",
                "measure count of any window 1s every 500ms alert when above 1 | 'every' is at least 1s",
                "measure count of any window 10m every 1s lateness 1d alert when above 1 | a window is at most 100 slides long",
                "measure count of any window 1m every 1s lateness 1h alert when above 1 | keep 3660 slides open per group; at most 1000",
                "measure sum of $.properties.products[*].price on purchase_complete window 1m alert when above 1 | may find several values",
                "measure count of any group by $..id window 1m alert when above 1 | may find several values",
                "measure count of any group by $.user_id limit 100000 window 1h alert when deviates by 3 sigma over 1000 windows | more than 10000000 values per app",
            })
    void detectorsThatCannotWorkAreRefused(String body, String expected) throws Exception {
        assertThat(problems("detector \"x\" " + body + " then emit \"t\" end"))
                .anySatisfy(p -> assertThat(p).contains(expected));
    }

    @Test
    void factsBelongToRulesOrToDetectors() throws Exception {
        assertThat(
                        problems(
                                "detector \"x\" measure count of any window 1m alert when above 1"
                                        + " then emit \"t\" with {\"u\": $.user_id, \"k\": @key} end"))
                .anySatisfy(p -> assertThat(p).contains("a detector's actions are about a window"))
                .anySatisfy(p -> assertThat(p).contains("@key belongs to rules"));
        assertThat(problems("rule \"r\" on any then emit \"t\" with {\"v\": @value} end"))
                .containsExactly("@value belongs to detectors");
    }

    @Test
    void aDetectorMeasuresTheSameWhenOnlyItsAlertChanges() throws Exception {
        Detector a =
                (Detector)
                        parse(
                                        "detector \"x\" measure count of any window 1m alert when above 1 then emit \"t\" end")
                                .trigger();
        Detector b =
                (Detector)
                        parse(
                                        "detector \"x\" measure count of any window 1m alert when above 5 for 1m then emit \"t\" end")
                                .trigger();
        Detector c =
                (Detector)
                        parse(
                                        "detector \"x\" measure count of login_failed window 1m alert when above 1 then emit \"t\" end")
                                .trigger();
        assertThat(a.measuresTheSameAs(b)).isTrue();
        assertThat(a.measuresTheSameAs(c)).isFalse();
    }
}
