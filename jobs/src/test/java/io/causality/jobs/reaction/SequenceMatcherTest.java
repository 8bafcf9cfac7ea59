package io.causality.jobs.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.RuleUpdate;
import io.causality.schemas.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sequence rules on flink-cep's NFA, driven by the keyed-broadcast harness with explicit
 * watermarks: steps in order, counts, absence fired when the window closes on event time, a new
 * version dropping partial matches, a deletion clearing state, and state back to zero.
 */
class SequenceMatcherTest {
    private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");

    private KeyedBroadcastOperatorTestHarness<String, SequenceInput, RuleUpdate, RuleMatch> harness;

    private static final RuleLimits LIMITS =
            new RuleLimits(2, Duration.ofMinutes(1), Duration.ofSeconds(10), 100);

    @BeforeEach
    void open() throws Exception {
        harness = harness(SequenceInput::partitionKey);
    }

    private static KeyedBroadcastOperatorTestHarness<String, SequenceInput, RuleUpdate, RuleMatch>
            harness(org.apache.flink.api.java.functions.KeySelector<SequenceInput, String> key)
                    throws Exception {
        var h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new SequenceMatcher(LIMITS),
                        key,
                        Types.STRING,
                        RuleEvaluator.RULES,
                        RuleEvaluator.RULES_READ);
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void deploy(String text, int version) throws Exception {
        harness.processBroadcastElement(
                new StreamRecord<>(io.causality.jobs.common.Harness.deployed(text, version, T0)));
    }

    private void delete(String name) throws Exception {
        harness.processBroadcastElement(
                new StreamRecord<>(new RuleUpdate(name, null, "causality.rules", 0, 0)));
    }

    /** An event of the given type by user, at T0 plus the offset, into the rule's matcher. */
    private void event(
            String rule,
            int version,
            String id,
            String type,
            String user,
            Duration at,
            String props)
            throws Exception {
        event(rule, version, "shop", id, type, user, at, props);
    }

    /** The same, of the given app. */
    private void event(
            String rule,
            int version,
            String app,
            String id,
            String type,
            String user,
            Duration at,
            String props)
            throws Exception {
        Instant t = T0.plus(at);
        harness.processElement(
                new StreamRecord<>(
                        new SequenceInput(
                                rule,
                                version,
                                user,
                                app,
                                id,
                                json(app, id, type, user, t, props),
                                t.toEpochMilli()),
                        t.toEpochMilli()));
    }

    private static String json(
            String app, String id, String type, String user, Instant t, String props) {
        return "{\"event_id\":\""
                + id
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\""
                + type
                + "\",\"user_id\":\""
                + user
                + "\",\"timestamp\":\""
                + t
                + "\",\"properties\":"
                + props
                + "}";
    }

    /** Keyed state entries of every key (the shared buffer's included). */
    private int stateEntries() {
        return io.causality.jobs.common.Harness.keyedStateEntries(harness);
    }

    private void watermark(Duration at) throws Exception {
        harness.processWatermark(new Watermark(T0.plus(at).toEpochMilli()));
    }

    private List<RuleMatch> matches() {
        return Harnesses.drainMatches(harness);
    }

    private static final String ABANDONED =
            "rule \"abandoned\" sequence by $.user_id within 30m"
                    + " cart_add as added not followed by purchase_complete"
                    + " then webhook \"crm\" with {\"user\": @key, \"product\": $added.properties.product_id} end";

    @Test
    void anAbsenceFiresWhenTheWindowClosesOnEventTimeAndNotIfTheEventCame() throws Exception {
        deploy(ABANDONED, 1);
        event("abandoned", 1, "a1", "cart_add", "u1", Duration.ZERO, "{\"product_id\":\"p-1\"}");
        event(
                "abandoned",
                1,
                "a2",
                "cart_add",
                "u2",
                Duration.ofMinutes(1),
                "{\"product_id\":\"p-2\"}");
        event(
                "abandoned",
                1,
                "b2",
                "purchase_complete",
                "u2",
                Duration.ofMinutes(10),
                "{\"order_id\":\"o\",\"total\":5}");
        watermark(Duration.ofMinutes(29));
        assertThat(matches()).as("the window is still open").isEmpty();

        watermark(Duration.ofMinutes(32));
        List<RuleMatch> found = matches();
        watermark(Duration.ofMinutes(45)); // past the window of every event: ids forgotten
        assertThat(found).hasSize(1);
        RuleMatch m = found.get(0);
        assertThat(m.key).isEqualTo("u1");
        assertThat(m.eventIds).containsExactly("a1");
        assertThat(m.time).isEqualTo(T0.plus(Duration.ofMinutes(30)).toEpochMilli());
        JsonNode action = EventJson.mapper().readTree(m.actions[0]);
        assertThat(action.path("payload").toString())
                .isEqualTo("{\"user\":\"u1\",\"product\":\"p-1\"}");
        assertThat(stateEntries()).as("state back to zero").isZero();
    }

    @Test
    void countsWithinTheWindowMatchOnceAndOldEventsFallOut() throws Exception {
        deploy(
                "rule \"brute\" sequence by $.user_id within 1m 3 times login_failed then emit \"sec\" end",
                1);
        event("brute", 1, "f1", "login_failed", "d1", Duration.ZERO, "{}");
        event("brute", 1, "f2", "login_failed", "d1", Duration.ofSeconds(70), "{}"); // f1 falls out
        event("brute", 1, "f3", "login_failed", "d1", Duration.ofSeconds(80), "{}");
        event("brute", 1, "f4", "login_failed", "d1", Duration.ofSeconds(90), "{}");
        event("brute", 1, "f5", "login_failed", "d1", Duration.ofSeconds(95), "{}");
        watermark(Duration.ofSeconds(100));
        assertThat(matches())
                .extracting(m -> List.of(m.eventIds))
                .containsExactly(List.of("f2", "f3", "f4"));
        watermark(Duration.ofMinutes(5));
        assertThat(matches()).isEmpty();
        assertThat(stateEntries()).isZero();
    }

    @Test
    void stepsInOrderWithAConditionAndNamedStepsInThePayload() throws Exception {
        deploy(
                "rule \"convert\" sequence by $.user_id within 7d user_signup as signup followed by"
                        + " purchase_complete where $.properties.total > 0 as purchase then emit \"g\""
                        + " with {\"order\": $purchase.properties.order_id, \"since\": $signup.timestamp} end",
                1);
        event(
                "convert",
                1,
                "p0",
                "purchase_complete",
                "u1",
                Duration.ZERO,
                "{\"order_id\":\"o0\",\"total\":5}");
        event("convert", 1, "s1", "user_signup", "u1", Duration.ofHours(1), "{}");
        event(
                "convert",
                1,
                "p1",
                "purchase_complete",
                "u1",
                Duration.ofHours(2),
                "{\"order_id\":\"o1\",\"total\":0}");
        event(
                "convert",
                1,
                "p2",
                "purchase_complete",
                "u1",
                Duration.ofDays(2),
                "{\"order_id\":\"o2\",\"total\":9}");
        watermark(Duration.ofDays(3));
        List<RuleMatch> found = matches();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).eventIds).containsExactly("s1", "p2");
        assertThat(EventJson.mapper().readTree(found.get(0).actions[0]).path("payload").toString())
                .isEqualTo("{\"order\":\"o2\",\"since\":\"" + T0.plus(Duration.ofHours(1)) + "\"}");
    }

    @Test
    void aNewVersionDropsPartialMatchesAndADeletionClearsState() throws Exception {
        String rule =
                "rule \"two\" sequence by $.user_id within 1h cart_add followed by checkout_start then emit \"t\" end";
        deploy(rule, 1);
        event("two", 1, "c1", "cart_add", "u1", Duration.ZERO, "{\"product_id\":\"p\"}");
        watermark(Duration.ofMinutes(1));
        assertThat(stateEntries()).isPositive();

        deploy(rule.replace("within 1h", "within 2h"), 2);
        event("two", 2, "k1", "checkout_start", "u1", Duration.ofMinutes(5), "{}");
        watermark(Duration.ofMinutes(6));
        assertThat(matches()).as("c1 belonged to version 1").isEmpty();

        event("two", 2, "c2", "cart_add", "u1", Duration.ofMinutes(10), "{\"product_id\":\"p\"}");
        event("two", 2, "k2", "checkout_start", "u1", Duration.ofMinutes(12), "{}");
        watermark(Duration.ofMinutes(13));
        assertThat(matches())
                .extracting(m -> m.version + ":" + String.join(",", m.eventIds))
                .containsExactly("2:c2,k2");

        event("two", 2, "c3", "cart_add", "u1", Duration.ofMinutes(20), "{\"product_id\":\"p\"}");
        watermark(Duration.ofMinutes(21));
        assertThat(stateEntries()).isPositive();
        delete("two");
        watermark(Duration.ofHours(3));
        assertThat(matches()).isEmpty();
        assertThat(stateEntries()).as("a deleted rule leaves no state").isZero();
    }

    /**
     * The evaluator and the matcher each get their own copy of a rule from the broadcast; an event
     * the evaluator routed under a rule the matcher has not received yet waits for it (bounded)
     * instead of being dropped.
     */
    @Test
    void anEventRoutedBeforeTheMatchersCopyOfTheRuleArrivedWaitsForIt() throws Exception {
        String rule =
                "rule \"two\" sequence by $.user_id within 1h cart_add followed by checkout_start then emit \"t\" end";
        event("two", 1, "c1", "cart_add", "u1", Duration.ZERO, "{\"product_id\":\"p\"}");
        deploy(rule, 1);
        harness.setProcessingTime(harness.getProcessingTime() + 2_000);
        event("two", 1, "k1", "checkout_start", "u1", Duration.ofMinutes(5), "{}");
        watermark(Duration.ofMinutes(6));
        assertThat(matches())
                .extracting(m -> String.join(",", m.eventIds))
                .containsExactly("c1,k1");
    }

    /**
     * A client's retry or a replay of the dead-letter topic days later carries the same event id;
     * within the rule's window it counts once, however long after the first copy it comes (the
     * job's own deduplication forgets ids after a day; windows last up to 31).
     */
    @Test
    void aRepeatedEventCountsOnceWithinTheWindow() throws Exception {
        deploy(
                "rule \"three\" sequence by $.user_id within 7d 3 times login_failed then emit \"t\" end",
                1);
        event("three", 1, "l1", "login_failed", "u1", Duration.ZERO, "{}");
        event("three", 1, "l2", "login_failed", "u1", Duration.ofHours(1), "{}");
        // Two days later (by the wall clock) the same two events again.
        event("three", 1, "l1", "login_failed", "u1", Duration.ZERO, "{}");
        event("three", 1, "l2", "login_failed", "u1", Duration.ofHours(1), "{}");
        watermark(Duration.ofHours(2));
        assertThat(matches()).as("two distinct events are not three").isEmpty();
        event("three", 1, "l3", "login_failed", "u1", Duration.ofHours(3), "{}");
        watermark(Duration.ofHours(4));
        assertThat(matches())
                .extracting(m -> String.join(",", m.eventIds))
                .containsExactly("l1,l2,l3");
    }

    /** A rule without {@code for app} runs per app: the same user id in two apps is two users. */
    @Test
    void aSequenceNeverSpansTwoApps() throws Exception {
        deploy(
                "rule \"convert\" sequence by $.user_id within 1h user_signup followed by purchase_complete then emit \"g\" end",
                1);
        event("convert", 1, "news", "s1", "user_signup", "u1", Duration.ZERO, "{}");
        event(
                "convert",
                1,
                "shop",
                "p1",
                "purchase_complete",
                "u1",
                Duration.ofMinutes(1),
                "{\"order_id\":\"o\",\"total\":5}");
        event("convert", 1, "shop", "s2", "user_signup", "u1", Duration.ofMinutes(2), "{}");
        event(
                "convert",
                1,
                "shop",
                "p2",
                "purchase_complete",
                "u1",
                Duration.ofMinutes(3),
                "{\"order_id\":\"o\",\"total\":5}");
        watermark(Duration.ofMinutes(5));
        assertThat(matches())
                .extracting(m -> m.appId + ":" + String.join(",", m.eventIds))
                .containsExactly("shop:s2,p2");
    }

    /**
     * A step's condition that fails on an event (here: an input beyond what matches searches) makes
     * the event not fit that step, as a dead letter with the rule and event; the job goes on, and
     * the rule is suspended once it keeps failing. Before, the exception escaped from the NFA in a
     * timer and the job restarted on it forever.
     */
    @Test
    void aFailingStepConditionIsADeadLetterAndTheRuleIsSuspendedWhenItKeepsFailing()
            throws Exception {
        deploy(
                "rule \"ua\" sequence by $.user_id within 1h any where $.properties.ua matches \"bot\""
                        + " followed by app_background then emit \"t\" end",
                1);
        String huge = "{\"ua\":\"" + "x".repeat(70_000) + "\"}";
        event("ua", 1, "h1", "app_open", "u1", Duration.ZERO, huge);
        event("ua", 1, "b1", "app_open", "u2", Duration.ofSeconds(1), "{\"ua\":\"a bot\"}");
        event("ua", 1, "b2", "app_background", "u2", Duration.ofSeconds(2), "{}");
        watermark(Duration.ofSeconds(3));
        assertThat(matches())
                .extracting(m -> String.join(",", m.eventIds))
                .containsExactly("b1,b2");
        assertThat(deadLetters())
                .extracting(d -> d.rule + " v" + d.ruleVersion + " " + d.eventId)
                .containsExactly("ua v1 h1");
        // Limit 2: the third failure suspends the rule here.
        event("ua", 1, "h2", "app_open", "u3", Duration.ofSeconds(4), huge);
        event("ua", 1, "h3", "app_open", "u4", Duration.ofSeconds(5), huge);
        watermark(Duration.ofSeconds(6));
        assertThat(deadLetters()).extracting(d -> d.eventId).containsExactly("h2", "h3");
        assertThat(harness.getSideOutput(RuleStatusRecord.TAG))
                .extracting(r -> r.getValue().rule)
                .containsExactly("ua");
    }

    /**
     * Partial matches from a savepoint of the version that keyed sequences by (rule, key): they may
     * mix apps, so they are dropped at their key's first timer, and their state goes to zero.
     */
    @Test
    void stateKeyedWithoutTheAppIsDroppedAtItsFirstTimer() throws Exception {
        harness.close();
        harness = harness(in -> in.rule + SequenceInput.SEPARATOR + in.key);
        deploy(
                "rule \"convert\" sequence by $.user_id within 1h user_signup followed by purchase_complete then emit \"g\" end",
                1);
        event("convert", 1, "news", "s1", "user_signup", "u1", Duration.ZERO, "{}");
        event(
                "convert",
                1,
                "shop",
                "p1",
                "purchase_complete",
                "u1",
                Duration.ofMinutes(1),
                "{\"order_id\":\"o\",\"total\":5}");
        watermark(Duration.ofMinutes(2));
        assertThat(matches()).isEmpty();
        assertThat(stateEntries()).isZero();
    }

    private List<io.causality.jobs.common.DeadLetter> deadLetters() {
        return io.causality.jobs.common.Harness.deadLetters(harness);
    }
}
