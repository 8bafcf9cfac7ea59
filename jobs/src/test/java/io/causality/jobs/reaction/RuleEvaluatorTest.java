package io.causality.jobs.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.RawRecord;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-event rules with the broadcast harness: rules added, changed and deleted between events. */
class RuleEvaluatorTest {
    private static final Instant DEPLOYED = Instant.parse("2026-11-22T12:00:00Z");

    private BroadcastOperatorTestHarness<RawRecord, RuleUpdate, RuleMatch> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
    }

    private static BroadcastOperatorTestHarness<RawRecord, RuleUpdate, RuleMatch> newHarness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new RuleEvaluator(), RuleEvaluator.RULES);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static RuleUpdate deploy(String text, int version) throws Exception {
        var rule = Parser.parse("t", text).rules().get(0);
        var json = new DeployedRule(rule, version, DEPLOYED, "t:1").toJson().toString();
        return new RuleUpdate(rule.name(), json.getBytes(StandardCharsets.UTF_8), 0, version);
    }

    private void rule(RuleUpdate u) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(u));
    }

    private static String purchase(String id, String app, double total) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"purchase_complete\",\"user_id\":\"u-1\",\"timestamp\":\"2026-11-22T12:01:00Z\","
                + "\"properties\":{\"order_id\":\"o-"
                + id
                + "\",\"total\":"
                + total
                + ",\"currency\":\"EUR\"}}";
    }

    private void event(String json) throws Exception {
        harness.processElement(
                new StreamRecord<>(
                        new RawRecord(
                                "causality.events",
                                0,
                                offset++,
                                json.getBytes(StandardCharsets.UTF_8))));
    }

    private List<RuleMatch> matches() {
        return Harnesses.drainMatches(harness);
    }

    private List<DeadLetter> deadLetters() {
        var q = harness.getSideOutput(RuleEvaluator.DEAD_LETTERS);
        List<DeadLetter> out = new ArrayList<>();
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
            q.clear();
        }
        return out;
    }

    private static final String BIG =
            "rule \"big\" for app \"shop\" on purchase_complete where $.properties.total >= 500"
                    + " then webhook \"sales\" with {\"order\": $.properties.order_id, \"r\": @rule}"
                    + " and emit \"big\" end";

    @Test
    void aRuleAddedChangedAndDeletedTakesEffectBetweenEvents() throws Exception {
        event(purchase("e1", "shop", 900));
        assertThat(matches()).isEmpty();

        rule(deploy(BIG, 1));
        event(purchase("e2", "shop", 900));
        event(purchase("e3", "shop", 100));
        event(purchase("e4", "news", 900)); // another app
        List<RuleMatch> first = matches();
        assertThat(first).hasSize(1);
        RuleMatch m = first.get(0);
        assertThat(m.rule).isEqualTo("big");
        assertThat(m.version).isEqualTo(1);
        assertThat(m.eventIds).containsExactly("e2");
        assertThat(m.time).isEqualTo(Instant.parse("2026-11-22T12:01:00Z").toEpochMilli());
        assertThat(m.actions).hasSize(2);
        JsonNode webhook = EventJson.mapper().readTree(m.actions[0]);
        assertThat(webhook.path("kind").asText()).isEqualTo("webhook");
        assertThat(webhook.path("target").asText()).isEqualTo("sales");
        assertThat(webhook.path("payload").toString())
                .isEqualTo("{\"order\":\"o-e2\",\"r\":\"big\"}");
        assertThat(webhook.path("match_id").asText()).isEqualTo(m.matchId);
        assertThat(EventJson.mapper().readTree(m.actions[1]).path("payload").toString())
                .isEqualTo("{}");

        rule(deploy(BIG.replace(">= 500", ">= 50"), 2));
        event(purchase("e5", "shop", 100));
        assertThat(matches()).extracting(x -> x.version).containsExactly(2);

        rule(new RuleUpdate("big", null, 0, 99));
        event(purchase("e6", "shop", 900));
        assertThat(matches()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void theSameMatchHasTheSameIdsAfterAReplay() throws Exception {
        rule(deploy(BIG, 1));
        event(purchase("e1", "shop", 900));
        RuleMatch a = matches().get(0);
        event(purchase("e1", "shop", 900));
        RuleMatch b = matches().get(0);
        assertThat(b.matchId).isEqualTo(a.matchId);
        assertThat(EventJson.mapper().readTree(b.actions[0]).path("action_id"))
                .isEqualTo(EventJson.mapper().readTree(a.actions[0]).path("action_id"));
    }

    @Test
    void aBadRuleRecordIsRefusedAndTheRuleThatRanKeepsRunning() throws Exception {
        rule(deploy(BIG, 1));
        rule(new RuleUpdate("big", "{\"version\": 2}".getBytes(StandardCharsets.UTF_8), 0, 7));
        // Valid JSON, but an unknown type: the validator in the job refuses it too.
        rule(deploy(BIG.replace("on purchase_complete", "on purchase_completed"), 3));
        event(purchase("e1", "shop", 900));
        assertThat(matches()).extracting(x -> x.version).containsExactly(1);
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).reason)
                .isEqualTo("rule big refused: $.deployed_at: must be an RFC 3339 instant");
        assertThat(dead.get(0).topic).isEqualTo("causality.rules");
        assertThat(dead.get(1).reason).contains("unknown event type 'purchase_completed'");
    }

    @Test
    void unreadableEventsAndEvaluationErrorsGoToTheDeadLetterTopicWithTheRule() throws Exception {
        rule(
                deploy(
                        "rule \"slow\" on any where $.properties.s matches \"(.*a){12}x\" then emit \"t\" end",
                        1));
        event("not json");
        event("{\"type\": \"app_open\"}");
        event(
                "{\"event_id\":\"e9\",\"app_id\":\"shop\",\"type\":\"app_open\",\"properties\":{\"s\":\""
                        + "a".repeat(80)
                        + "\"}}");
        assertThat(matches()).isEmpty();
        assertThat(deadLetters())
                .extracting(d -> d.reason)
                .containsExactly(
                        "not JSON: JsonParseException",
                        "not an event: app_id, type and event_id must be strings",
                        "rule slow v1 on event e9: regular expression exceeded its step budget on an input of 80 characters");
    }

    @Test
    void rulesSurviveASnapshotAndRestore() throws Exception {
        rule(deploy(BIG, 4));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        // A fresh operator, its state from the snapshot: the index is rebuilt from it.
        harness =
                new BroadcastOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.co
                                .CoBroadcastWithNonKeyedOperator<>(
                                new RuleEvaluator(), List.of(RuleEvaluator.RULES)),
                        1,
                        1,
                        0);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        event(purchase("e1", "shop", 900));
        assertThat(matches()).extracting(x -> x.version).containsExactly(4);
    }
}
