package io.causality.jobs.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.Harness;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleUpdate;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.json.RuleStatus;
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

    private static final RuleLimits LIMITS =
            new RuleLimits(
                    3, java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1), 100);

    private BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(RulesTopicEnd.none());
    }

    private static BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch> newHarness(
            RulesTopicEnd end) throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new RuleEvaluator(LIMITS, end), RuleEvaluator.RULES, RuleEvaluator.RULES_READ);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static RuleUpdate deploy(String text, int version) throws Exception {
        return Harness.deployed(text, version, DEPLOYED);
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

    /** An event as the reader makes it; the envelope fields read from the JSON. */
    private void event(String json) throws Exception {
        JsonNode e = EventJson.mapper().readTree(json);
        harness.processElement(
                new StreamRecord<>(
                        new EventRecord(
                                e.path("app_id").asText(),
                                e.path("event_id").asText(),
                                e.path("type").asText(),
                                e.path("name").asText(null),
                                Instant.parse(e.path("timestamp").asText("2026-11-22T12:01:00Z"))
                                        .toEpochMilli(),
                                json.getBytes(StandardCharsets.UTF_8),
                                new RawRecord(
                                        "causality.events",
                                        0,
                                        offset++,
                                        json.getBytes(StandardCharsets.UTF_8)))));
    }

    private List<RuleMatch> matches() {
        return Harnesses.drainMatches(harness);
    }

    private List<DeadLetter> deadLetters() {
        return Harness.deadLetters(harness);
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

        rule(new RuleUpdate("big", null, "causality.rules", 0, 99));
        event(purchase("e6", "shop", 900));
        assertThat(matches()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void detectorsOnTheRulesTopicAreTheAnomalyJobsAndNotRunHere() throws Exception {
        rule(deploy(BIG, 1));
        event(purchase("e1", "shop", 900));
        assertThat(matches()).hasSize(1);

        // The same name, now a detector: the rule stops here, and nothing is refused.
        rule(
                deploy(
                        "detector \"big\" for app \"shop\" measure count of purchase_complete"
                                + " window 1m alert when below 1 then webhook \"sales\" end",
                        2));
        event(purchase("e2", "shop", 900));
        assertThat(matches()).isEmpty();
        assertThat(deadLetters()).isEmpty();
        assertThat(statuses()).noneMatch(st -> st.state() == RuleStatus.State.REFUSED);
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
        rule(
                new RuleUpdate(
                        "big",
                        "{\"version\": 2}".getBytes(StandardCharsets.UTF_8),
                        "causality.rules",
                        0,
                        7));
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
                        "rule \"long\" on any where $.properties.s matches \"(.*a){12}x\" then emit \"t\" end",
                        1));
        event(
                "{\"event_id\":\"e8\",\"app_id\":\"shop\",\"type\":\"app_open\",\"properties\":{\"s\":\""
                        + "a".repeat(80)
                        + "\"}}");
        event(
                "{\"event_id\":\"e9\",\"app_id\":\"shop\",\"type\":\"app_open\",\"properties\":{\"s\":\""
                        + "a".repeat(70_000)
                        + "\"}}");
        assertThat(matches()).isEmpty();
        List<DeadLetter> dead = deadLetters();
        assertThat(dead)
                .extracting(d -> d.reason)
                .containsExactly(
                        "rule long v1 on event e9: input of 70000 characters is too long for"
                                + " matches (at most 65536)");
        assertThat(dead.get(0).rule).isEqualTo("long");
        assertThat(dead.get(0).ruleVersion).isEqualTo(1);
        assertThat(dead.get(0).eventId).isEqualTo("e9");
        assertThat(dead.get(0).topic).isEqualTo("causality.events");
    }

    /**
     * One tenant's rule that keeps failing is suspended after more errors than the limit within the
     * window: it is no longer evaluated (so no more dead letters), its status says why, the other
     * rules go on, and the next deploy of it runs again.
     */
    @Test
    void aRuleThatKeepsFailingIsSuspendedUntilItsNextDeploy() throws Exception {
        String failing =
                "rule \"ua\" on app_open where $.context.user_agent matches \"bot\" then emit \"t\" end";
        rule(deploy(failing, 1));
        rule(deploy(BIG, 1));
        String huge = "x".repeat(70_000);
        for (int i = 0; i < 6; i++) {
            event(appOpen("h" + i, huge));
            event(purchase("p" + i, "shop", 900));
        }
        assertThat(matches()).extracting(m -> m.rule).containsOnly("big").hasSize(6);
        // Limit 3: the fourth error suspends; after that the rule is not evaluated at all.
        assertThat(deadLetters())
                .extracting(d -> d.eventId)
                .containsExactly("h0", "h1", "h2", "h3");
        List<RuleStatus> statuses = statuses();
        assertThat(statuses).hasSize(1);
        assertThat(statuses.get(0).state()).isEqualTo(RuleStatus.State.SUSPENDED);
        assertThat(statuses.get(0).rule()).isEqualTo("ua");
        assertThat(statuses.get(0).version()).isEqualTo(1);
        assertThat(statuses.get(0).reason()).contains("too long for matches");

        // Suspended across a restore, too.
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = restored(snapshot);
        event(appOpen("h9", huge));
        event(appOpen("bot-1", "a bot"));
        assertThat(matches()).isEmpty();
        assertThat(deadLetters()).isEmpty();

        // A new version runs.
        rule(deploy(failing, 2));
        event(appOpen("bot-2", "a bot"));
        assertThat(matches())
                .extracting(m -> m.rule + ":" + m.eventIds[0])
                .containsExactly("ua:bot-2");
    }

    /**
     * A savepoint holds a rule that this version of the job refuses (here: a regex with a
     * backreference, which the linear-time engine cannot run). The job does not fail: the rule does
     * not run, its status says why, and the other rules run.
     */
    @Test
    void aStoredRuleTheNewValidatorRefusesDoesNotRunAndSaysWhy() throws Exception {
        rule(deploy(BIG, 1));
        // As an older job would have stored it: straight into the broadcast state.
        String refused =
                new DeployedRule(
                                Parser.parse(
                                                "t",
                                                "rule \"old\" on app_open where $.user_id matches \"a\" then emit \"t\" end")
                                        .rules()
                                        .get(0),
                                3,
                                DEPLOYED,
                                "t:1")
                        .toJson()
                        .toString()
                        .replace("\"value\":\"a\"", "\"value\":\"(a)\\\\1\"");
        harness.getOperator()
                .getOperatorStateBackend()
                .getBroadcastState(RuleEvaluator.RULES)
                .put("old", refused);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = restored(snapshot);
        event(purchase("e1", "shop", 900));
        event(appOpen("a1", "x"));
        assertThat(matches()).extracting(m -> m.rule).containsExactly("big");
        List<RuleStatus> statuses = statuses();
        assertThat(statuses).hasSize(1);
        assertThat(statuses.get(0).state()).isEqualTo(RuleStatus.State.REFUSED);
        assertThat(statuses.get(0).version()).isEqualTo(3);
        assertThat(statuses.get(0).reason()).contains("backreferences");
    }

    private BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch> restored(
            OperatorSubtaskState snapshot) throws Exception {
        var h =
                new BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch>(
                        new org.apache.flink.streaming.api.operators.co
                                .CoBroadcastWithNonKeyedOperator<>(
                                new RuleEvaluator(LIMITS, RulesTopicEnd.none()),
                                List.of(RuleEvaluator.RULES, RuleEvaluator.RULES_READ)),
                        1,
                        1,
                        0);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        return h;
    }

    private static String appOpen(String id, String userAgent) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\"shop\",\"type\":\"app_open\",\"user_id\":\"u\","
                + "\"timestamp\":\"2026-11-22T12:01:00Z\",\"context\":{\"user_agent\":\""
                + userAgent
                + "\"}}";
    }

    private List<RuleStatus> statuses() throws Exception {
        var q = harness.getSideOutput(RuleStatusRecord.TAG);
        List<RuleStatus> out = new ArrayList<>();
        if (q != null) {
            for (var r : q) {
                out.add(RuleStatus.fromJson(EventJson.mapper().readTree(r.getValue().json)));
            }
            q.clear();
        }
        return out;
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
                                new RuleEvaluator(LIMITS, RulesTopicEnd.none()),
                                List.of(RuleEvaluator.RULES, RuleEvaluator.RULES_READ)),
                        1,
                        1,
                        0);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        event(purchase("e1", "shop", 900));
        assertThat(matches()).extracting(x -> x.version).containsExactly(4);
    }

    /**
     * At start the rules topic holds a rule deployed before the first event was sent; the rules and
     * the events come by separate sources, so the event may reach the evaluator first. It is held
     * until the rules read at start are in, then evaluated against them.
     */
    @Test
    void anEventReadBeforeTheRulesTopicIsHeldUntilTheRulesAreIn() throws Exception {
        harness.close();
        // The topic ended at offset 7 (of partition 0) when the job started.
        harness = newHarness(() -> java.util.Map.of(0, 7L));
        event(purchase("e1", "shop", 900));
        rule(deploy(BIG, 3)); // offset 3
        assertThat(matches()).as("offset 7 is not applied yet").isEmpty();
        rule(deploy(BIG.replace(">= 500", ">= 50"), 7)); // offset 7: read to the end
        assertThat(matches())
                .extracting(m -> m.eventIds[0] + " v" + m.version)
                .containsExactly("e1 v7");
        event(purchase("e2", "shop", 900));
        assertThat(matches()).extracting(m -> m.eventIds[0]).containsExactly("e2");
    }

    /** The operator of the job, which holds event time back while events are held. */
    private static BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch> holding(
            RulesTopicEnd end) throws Exception {
        var h =
                new BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch>(
                        new HoldingBroadcastOperator(
                                new RuleEvaluator(LIMITS, end),
                                List.of(RuleEvaluator.RULES, RuleEvaluator.RULES_READ)),
                        1,
                        1,
                        0);
        h.setup();
        h.open();
        // The rules input is idle in the job: event time follows the events alone.
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    private List<Long> watermarks() {
        List<Long> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof org.apache.flink.streaming.api.watermark.Watermark w) {
                out.add(w.getTimestamp());
            }
        }
        return out;
    }

    /**
     * While events wait for the rules topic, event time waits with them: had it moved on, the held
     * events would all be late for the sequences once released.
     */
    @Test
    void eventTimeWaitsWhileEventsWaitForTheRules() throws Exception {
        harness.close();
        harness = holding(() -> java.util.Map.of(0, 7L));
        event(purchase("e1", "shop", 900));
        harness.processWatermark(Instant.parse("2026-11-22T12:05:00Z").toEpochMilli());
        assertThat(watermarks()).as("held with e1").isEmpty();
        rule(deploy(BIG, 7));
        // The watermark comes out after the released match (matches() drains the output).
        assertThat(watermarks())
                .containsExactly(Instant.parse("2026-11-22T12:05:00Z").toEpochMilli());
        assertThat(matches()).extracting(m -> m.eventIds[0]).containsExactly("e1");
    }

    /** On a quiet system the wait ends by the clock: nothing else would notice it ran out. */
    @Test
    void heldEventsAreEvaluatedWhenTheWaitRunsOutWithNothingElseArriving() throws Exception {
        harness.close();
        harness = holding(() -> java.util.Map.of(0, 7L));
        rule(deploy(BIG, 3));
        event(purchase("e1", "shop", 900));
        harness.processWatermark(Instant.parse("2026-11-22T12:05:00Z").toEpochMilli());
        assertThat(harness.getOutput()).isEmpty();
        harness.setProcessingTime(LIMITS.startupWait().toMillis() + 1);
        assertThat(matches())
                .extracting(m -> m.eventIds[0] + " v" + m.version)
                .containsExactly("e1 v3");
    }
}
