package io.causality.jobs.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.Harness;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleUpdate;
import io.causality.schemas.EventJson;
import io.causality.schemas.lake.DecisionTable;
import io.causality.schemas.lake.DecisionValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The anomaly operator in Flink's test harness: each kind of alert, flap control, lateness, limits.
 */
class DetectorWindowsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final long MIN = 60_000;
    private static final long HOUR = 60 * MIN;

    private KeyedBroadcastOperatorTestHarness<String, EventRecord, RuleUpdate, AnomalyRecord>
            harness;
    private long offset;
    private Duration expiry = Duration.ofHours(24);

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    private KeyedBroadcastOperatorTestHarness<String, EventRecord, RuleUpdate, AnomalyRecord>
            harness(OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new DetectorWindows(expiry), List.of(DetectorWindows.DETECTORS)),
                        (EventRecord e) -> e.app,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void deploy(String text, int version) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(Harness.deployed(text, version, T0)));
    }

    /** An event of the app at T0 + at, with the given JSON fields added. */
    private void event(String app, String type, long at, String extra) throws Exception {
        String json =
                "{\"event_id\":\""
                        + UUID.randomUUID()
                        + "\",\"app_id\":\""
                        + app
                        + "\",\"type\":\""
                        + type
                        + "\",\"anonymous_id\":\"a\",\"timestamp\":\""
                        + T0.plusMillis(at)
                        + "\""
                        + (extra.isEmpty() ? "" : "," + extra)
                        + "}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        harness.processElement(
                new StreamRecord<>(
                        new EventRecord(
                                app,
                                UUID.randomUUID().toString(),
                                type,
                                null,
                                T0.toEpochMilli() + at,
                                bytes,
                                new RawRecord("causality.events", 0, offset++, bytes))));
    }

    private void events(String app, String type, long minute, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            event(app, type, minute * MIN + i * (MIN / (n + 1)), "");
        }
    }

    private int stateEntries() {
        return Harness.keyedStateEntries(harness);
    }

    private void watermark(long at) throws Exception {
        harness.processWatermark(new Watermark(T0.toEpochMilli() + at));
    }

    private static final DecisionValidator DECISIONS = new DecisionValidator();

    /** The state changes since the last call, as "state@minutes" of their window's end. */
    private List<JsonNode> records = new ArrayList<>();

    private List<String> changes() throws Exception {
        List<String> out = new ArrayList<>();
        for (AnomalyRecord r : harness.extractOutputValues()) {
            JsonNode j = EventJson.mapper().readTree(r.json);
            assertThat(DECISIONS.problems(DecisionTable.ANOMALIES, j))
                    .as("the lake's anomalies table takes %s", j)
                    .isEmpty();
            records.add(j);
            long end =
                    Instant.parse(j.path("window_end").asText()).toEpochMilli() - T0.toEpochMilli();
            String group = j.path("group").size() > 1 ? j.path("group").toString() : "";
            out.add(j.path("state").asText() + "@" + (end / MIN) + "m" + group);
            for (String a : r.actions) {
                actions.add(EventJson.mapper().readTree(a));
            }
        }
        harness.getOutput().clear();
        return out;
    }

    private final List<JsonNode> actions = new ArrayList<>();

    private List<DeadLetter> deadLetters() {
        return Harness.deadLetters(harness);
    }

    private static final String DROP =
            "detector \"drop\" for app \"shop\" measure count of purchase_complete window 1m"
                    + " alert when below 2 for 2m keep firing 1m cooldown 5m"
                    + " then webhook \"oncall\" with {\"n\": @value, \"state\": @state, \"g\": @group}"
                    + " end";

    @Test
    void aThresholdGoesPendingFiresResolvesAndCoolsDown() throws Exception {
        deploy(DROP, 1);
        for (long m = 0; m < 3; m++) {
            events("shop", "purchase_complete", m, 3);
        }
        events("news", "purchase_complete", 3, 1); // another app: not this detector's
        watermark(4 * MIN);
        // Minutes 0-2 had 3 purchases, minute 3 none: pending at the end of minute 3 (4m).
        assertThat(changes()).containsExactly("pending@4m");
        watermark(6 * MIN);
        assertThat(changes()).containsExactly("firing@6m"); // held for 2m: 4m, 5m, 6m
        events("shop", "purchase_complete", 7, 3);
        events("shop", "purchase_complete", 8, 3);
        watermark(8 * MIN);
        // Minute 7 has 3 again: the first window that clears, kept firing for 1m from it.
        assertThat(changes()).isEmpty();
        watermark(9 * MIN);
        assertThat(changes()).containsExactly("resolved@9m");
        // Nothing again from minute 9: pending at 10m, but the 5m cooldown holds it until 14m.
        watermark(13 * MIN);
        assertThat(changes()).containsExactly("pending@10m");
        watermark(14 * MIN);
        assertThat(changes()).containsExactly("firing@14m");

        assertThat(actions).hasSize(3);
        JsonNode fired = actions.get(0);
        assertThat(fired.path("kind").asText()).isEqualTo("webhook");
        assertThat(fired.path("target").asText()).isEqualTo("oncall");
        assertThat(fired.path("app_id").asText()).isEqualTo("shop");
        assertThat(fired.path("webhook_type").asText()).isEqualTo("anomaly.firing");
        assertThat(fired.path("payload").toString())
                .isEqualTo("{\"n\":0.0,\"state\":\"firing\",\"g\":{\"app_id\":\"shop\"}}");
        JsonNode resolvedAction = actions.get(1);
        assertThat(resolvedAction.path("webhook_type").asText()).isEqualTo("anomaly.resolved");
        assertThat(resolvedAction.path("payload").path("n").asDouble()).isEqualTo(3.0);
        // A firing and its resolve share the anomaly id; the next firing has another.
        assertThat(resolvedAction.path("match_id")).isEqualTo(fired.path("match_id"));
        assertThat(actions.get(2).path("match_id")).isNotEqualTo(fired.path("match_id"));
        assertThat(resolvedAction.path("action_id")).isNotEqualTo(fired.path("action_id"));
        assertThat(records.get(1).path("baseline").asDouble()).isEqualTo(2.0);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aChangeAgainstThePreviousWindow() throws Exception {
        deploy(
                "detector \"crashes\" measure count of app_crash window 1m alert when rises by 100 percent"
                        + " then emit \"t\" with {\"n\": @value, \"before\": @baseline} end",
                1);
        events("shop", "app_crash", 0, 2);
        events("shop", "app_crash", 1, 3); // +50 %
        events("shop", "app_crash", 2, 6); // +100 %
        events("shop", "app_crash", 3, 6); // +0 %
        watermark(4 * MIN);
        assertThat(changes()).containsExactly("firing@3m", "resolved@4m");
        assertThat(actions.get(0).path("payload").toString())
                .isEqualTo("{\"n\":6.0,\"before\":3.0}");
    }

    @Test
    void noDataFiresForAGroupThatWentSilentAndResolvesWhenItSendsAgain() throws Exception {
        deploy(
                "detector \"silent\" measure count of any group by $.context.device.id window 1m"
                        + " alert when no data for 3m then emit \"t\" with {\"g\": @group} end",
                1);
        String a = "\"context\":{\"device\":{\"id\":\"A\"}}";
        String b = "\"context\":{\"device\":{\"id\":\"B\"}}";
        for (long m = 0; m < 8; m++) {
            if (m < 2 || m >= 6) {
                event("shop", "app_open", m * MIN + 30_000, a);
            }
            event("shop", "app_open", m * MIN + 30_000, b);
        }
        watermark(8 * MIN);
        // A's last event before the gap was at 1m30s: silent 3m30s at 5m; it sent again at 6m30s.
        assertThat(changes())
                .containsExactly(
                        "firing@5m{\"app_id\":\"shop\",\"$.context.device.id\":\"A\"}",
                        "resolved@7m{\"app_id\":\"shop\",\"$.context.device.id\":\"A\"}");
        assertThat(actions.get(0).path("payload").path("g").path("$.context.device.id").asText())
                .isEqualTo("A");
    }

    @Test
    void aDeviationFromTheLastWindowsOnceThereIsHistory() throws Exception {
        deploy(
                "detector \"dev\" measure count of purchase_complete window 1m"
                        + " alert when deviates above by 3 sigma over 5 windows min history 5"
                        + " then emit \"t\" with {\"n\": @value, \"usual\": @baseline, \"z\": @severity} end",
                1);
        int[] counts = {10, 30, 11, 9, 10, 12, 10, 9, 11, 10, 30, 10};
        for (int m = 0; m < counts.length; m++) {
            events("shop", "purchase_complete", m, counts[m]);
        }
        watermark(counts.length * MIN);
        // Minute 1's 30 had too little history to be judged; minute 10's is far above the five
        // windows before it.
        assertThat(changes()).containsExactly("firing@11m", "resolved@12m");
        JsonNode fired = actions.get(0).path("payload");
        assertThat(fired.path("n").asDouble()).isEqualTo(30.0);
        assertThat(fired.path("z").asDouble()).isGreaterThan(3.0);
    }

    @Test
    void aSeasonalBaselineKnowsQuietNightsFromDrops() throws Exception {
        String body =
                " measure count of app_open window 1h alert when deviates by 3 mad over 7 windows"
                        + " seasonal daily min history 3 then emit \"t\" end";
        deploy("detector \"seasonal\"" + body, 1);
        deploy(
                "detector \"plain\" measure count of app_open window 1h alert when deviates by 3"
                        + " mad over 7 windows min history 3 then emit \"t\" end",
                1);
        // Five days: busy days (30 an hour, 08:00-20:00), quiet nights (2 an hour).
        for (int day = 0; day < 5; day++) {
            for (int h = 0; h < 24; h++) {
                int n = h >= 8 && h < 20 ? 30 + (day + h) % 3 : 2 + (day + h) % 2;
                for (int i = 0; i < n; i++) {
                    event("shop", "app_open", (day * 24 + h) * HOUR + i * (HOUR / (n + 1)), "");
                }
                watermark((day * 24 + h) * HOUR); // the stream's time moves with it
            }
            watermark((day + 1) * 24 * HOUR);
            changes();
        }
        assertThat(records)
                .as("the seasonal detector over five ordinary days")
                .noneMatch(r -> r.path("detector").asText().equals("seasonal"));
        // The plain baseline sees every morning and evening as an anomaly; the seasonal one not.
        assertThat(records).anyMatch(r -> r.path("detector").asText().equals("plain"));
        // Day 6, 03:00: a busy night hour is an anomaly for the seasonal detector too.
        watermark((5 * 24 + 2) * HOUR);
        for (int i = 0; i < 30; i++) {
            event("shop", "app_open", (5 * 24 + 3) * HOUR + i * 1000, "");
        }
        watermark((5 * 24 + 4) * HOUR);
        records.clear();
        changes();
        assertThat(records)
                .as("%s", records)
                .anyMatch(
                        r ->
                                r.path("detector").asText().equals("seasonal")
                                        && r.path("state").asText().equals("firing")
                                        && r.path("window_end")
                                                .asText()
                                                .equals("2026-12-06T04:00:00Z"));
    }

    @Test
    void lateEventsWithinTheLatenessCountAndLaterOnesAreDeadLetters() throws Exception {
        deploy(
                "detector \"late\" measure count of purchase_complete window 1m lateness 30s"
                        + " alert when above 2 then emit \"t\" with {\"n\": @value} end",
                1);
        event("shop", "purchase_complete", 10_000, "");
        event("shop", "purchase_complete", 20_000, "");
        watermark(80_000); // past the window's end, within its lateness
        event("shop", "purchase_complete", 50_000, ""); // late but in time: the third
        watermark(91_000); // the window [0, 1m) closes at 1m30s
        assertThat(changes()).containsExactly("firing@1m");
        assertThat(actions.get(0).path("payload").path("n").asDouble()).isEqualTo(3.0);
        event("shop", "purchase_complete", 55_000, ""); // too late
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).reason).startsWith("late for detector late");
        assertThat(dead.get(0).rule).isEqualTo("late");
    }

    @Test
    void groupsBeyondTheLimitAreCountedNotKept() throws Exception {
        deploy(
                "detector \"limited\" measure count of any group by $.context.device.id limit 2"
                        + " window 1m alert when above 0 then emit \"t\" end",
                1);
        for (String d : List.of("A", "B", "C")) {
            event("shop", "app_open", 1000, "\"context\":{\"device\":{\"id\":\"" + d + "\"}}");
        }
        watermark(MIN);
        assertThat(changes())
                .containsExactly(
                        "firing@1m{\"app_id\":\"shop\",\"$.context.device.id\":\"A\"}",
                        "firing@1m{\"app_id\":\"shop\",\"$.context.device.id\":\"B\"}");
    }

    @Test
    void aChangedAlertKeepsTheStateAChangedMeasureAndADeleteClearIt() throws Exception {
        deploy(DROP, 1);
        events("shop", "purchase_complete", 0, 3);
        watermark(3 * MIN);
        assertThat(changes()).containsExactly("pending@2m");
        // v2 only changes the bound: the group stays pending and fires on schedule.
        deploy(DROP.replace("below 2", "below 3"), 2);
        watermark(4 * MIN);
        assertThat(changes()).containsExactly("firing@4m");
        assertThat(records.get(1).path("version").asInt()).isEqualTo(2);
        // v3 counts something else: the firing group is resolved, everything starts again.
        deploy(DROP.replace("count of purchase_complete", "count of checkout_start"), 3);
        assertThat(changes()).containsExactly("resolved@4m");
        assertThat(records.get(2).path("reason").asText()).startsWith("changed: v3");
        assertThat(stateEntries()).isZero();
        events("shop", "checkout_start", 6, 5);
        watermark(7 * MIN);
        assertThat(stateEntries()).isPositive();
        harness.processBroadcastElement(
                new StreamRecord<>(new RuleUpdate("drop", null, "causality.rules", 0, 9)));
        assertThat(stateEntries()).isZero();
        watermark(20 * MIN);
        assertThat(changes()).isEmpty();
    }

    @Test
    void detectorsThatGroupAlikeKeepTheirOwnCountsAndADeleteTakesOnlyItsOwn() throws Exception {
        String many =
                "detector \"many\" measure count of app_open group by $.anonymous_id window 1m"
                        + " alert when above 2 then emit \"t\" end";
        String sum =
                "detector \"sum\" measure sum of $.properties.n on app_open group by"
                        + " $.anonymous_id window 1m alert when above 10 then emit \"t\" end";
        final String g = "{\"app_id\":\"shop\",\"$.anonymous_id\":\"a\"}";
        deploy(many, 1);
        deploy(sum, 1);
        for (int i = 0; i < 3; i++) {
            event("shop", "app_open", i * 1000, "\"properties\":{\"n\":3}");
        }
        watermark(MIN);
        // three opens (above 2) that add up to 9 (not above 10): one detector fires
        assertThat(changes()).containsExactly("firing@1m" + g);
        assertThat(records.get(0).path("detector").asText()).isEqualTo("many");
        assertThat(records.get(0).path("value").asDouble()).isEqualTo(3.0);

        harness.processBroadcastElement(
                new StreamRecord<>(new RuleUpdate("many", null, "causality.rules", 0, 9)));
        assertThat(changes()).containsExactly("resolved@1m" + g);
        for (int i = 0; i < 4; i++) {
            event("shop", "app_open", MIN + i * 1000, "\"properties\":{\"n\":3}");
        }
        watermark(2 * MIN);
        assertThat(changes()).containsExactly("firing@2m" + g);
        assertThat(records.get(2).path("detector").asText()).isEqualTo("sum");
        assertThat(records.get(2).path("value").asDouble()).isEqualTo(12.0);
    }

    @Test
    void aQuietGroupIsForgottenAfterItsExpiry() throws Exception {
        harness.close();
        expiry = Duration.ofMinutes(10);
        harness = harness(null);
        deploy(
                "detector \"q\" measure count of any group by $.anonymous_id window 1m"
                        + " alert when above 100 then emit \"t\" end",
                1);
        event("shop", "app_open", 0, "");
        watermark(5 * MIN);
        assertThat(stateEntries()).isPositive();
        watermark(12 * MIN);
        assertThat(stateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void stateAndDetectorsSurviveASnapshotAndRestore() throws Exception {
        deploy(DROP, 1);
        events("shop", "purchase_complete", 0, 3);
        watermark(2 * MIN);
        assertThat(changes()).containsExactly("pending@2m");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(snapshot);
        watermark(4 * MIN);
        assertThat(changes()).containsExactly("firing@4m");
    }

    @Test
    void afterARestoreOldEventsAreLateAndClosedWindowsAreNotJudgedAgain() throws Exception {
        deploy(DROP, 1);
        events("shop", "purchase_complete", 0, 3);
        watermark(3 * MIN);
        assertThat(changes()).containsExactly("pending@2m");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(snapshot);
        // No watermark yet after the restore: the last closed window says what is late.
        event("shop", "purchase_complete", MIN + 5_000, "");
        assertThat(deadLetters())
                .extracting(d -> d.reason)
                .singleElement()
                .asString()
                .startsWith("late");
        watermark(4 * MIN);
        assertThat(changes()).containsExactly("firing@4m");
    }

    @Test
    void aDeletedDetectorResolvesWhatWasFiring() throws Exception {
        deploy(DROP, 1);
        events("shop", "purchase_complete", 0, 3);
        watermark(4 * MIN);
        assertThat(changes()).containsExactly("pending@2m", "firing@4m");
        harness.processBroadcastElement(
                new StreamRecord<>(new RuleUpdate("drop", null, "causality.rules", 0, 9)));
        assertThat(changes()).containsExactly("resolved@4m");
        assertThat(records.get(2).path("reason").asText()).isEqualTo("deleted");
        assertThat(records.get(2).path("anomaly_id")).isEqualTo(records.get(1).path("anomaly_id"));
        assertThat(stateEntries()).isZero();
    }

    @Test
    void windowsThatStartBeforeAGroupsFirstSlideAreNotJudged() throws Exception {
        deploy(
                "detector \"slow\" measure count of app_open window 10m every 1m"
                        + " alert when below 100 then emit \"t\" end",
                1);
        events("shop", "app_open", 5, 3);
        watermark(16 * MIN);
        // The windows ending 6m .. 14m started before minute 5 and saw part of the group only.
        assertThat(changes()).containsExactly("firing@15m");
    }
}
