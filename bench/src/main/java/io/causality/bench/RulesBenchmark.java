package io.causality.bench;

import io.causality.jobs.common.RawRecord;
import io.causality.jobs.reaction.RuleEvaluator;
import io.causality.jobs.reaction.RuleMatch;
import io.causality.jobs.reaction.RuleUpdate;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Events per second through the rule evaluator on one thread (one core) with 10, 1,000 and 10,000
 * deployed rules, 1 % of events matching: the cost the rule index should keep flat as rules grow.
 * Rules are spread over apps and event types (rule i: app i % 100, type i / 100 % 30), events over
 * the (app, type) pairs that have rules, so every event has candidates and 1 % match ({@code
 * $.properties.n == 0}, n uniform in 0..99). The operator runs in Flink's test harness: parsing,
 * index lookup, condition evaluation, match and action rendering; no Kafka.
 *
 * <p>{@code bench/run-rules [events=200000] [rounds=3]}
 */
public final class RulesBenchmark {
    private static final int APPS = 100;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] ruleCounts = {10, 1_000, 10_000};
        List<EventType> types = new ArrayList<>();
        for (EventType t : EventType.values()) {
            if (t != EventType.CUSTOM) {
                types.add(t);
            }
        }
        System.out.printf(
                "rule evaluator, one thread, %,d events per run, %d rounds (median)%n",
                events, rounds);
        System.out.printf(
                "%8s %12s %14s %14s %9s%n",
                "rules", "candidates", "events/s", "matches/event", "vs 10");
        double base = 0;
        for (int rules : ruleCounts) {
            List<byte[]> stream = events(events, rules, types);
            double[] rates = new double[rounds];
            long matched = 0;
            double candidates =
                    Math.max(1.0, rules / (double) Math.min(rules, APPS * types.size()));
            for (int r = 0; r < rounds; r++) {
                var harness =
                        ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                                new RuleEvaluator(), RuleEvaluator.RULES);
                deploy(harness, rules, types);
                // Warm-up on a slice, then the measured run.
                run(harness, stream.subList(0, Math.min(20_000, stream.size())));
                harness.getOutput().clear();
                long t0 = System.nanoTime();
                matched = run(harness, stream);
                rates[r] = stream.size() / ((System.nanoTime() - t0) / 1e9);
                harness.close();
            }
            java.util.Arrays.sort(rates);
            double median = rates[rounds / 2];
            if (rules == ruleCounts[0]) {
                base = median;
            }
            System.out.printf(
                    "%,8d %12.1f %,14.0f %13.2f%% %8.0f%%%n",
                    rules,
                    candidates,
                    median,
                    100.0 * matched / stream.size(),
                    100 * median / base);
        }
    }

    private static void deploy(
            BroadcastOperatorTestHarness<RawRecord, RuleUpdate, RuleMatch> harness,
            int rules,
            List<EventType> types)
            throws Exception {
        Instant now = Instant.parse("2026-11-22T12:00:00Z");
        for (int i = 0; i < rules; i++) {
            String text =
                    "rule \"r-"
                            + i
                            + "\" for app \"app-"
                            + (i % APPS)
                            + "\" on "
                            + types.get(i / APPS % types.size()).wireName()
                            + " where $.properties.n == 0 then webhook \"hook\" with {\"id\": $.event_id} end";
            var rule = Parser.parse("bench", text).rules().get(0);
            byte[] json =
                    new DeployedRule(rule, 1, now, "bench")
                            .toJson()
                            .toString()
                            .getBytes(StandardCharsets.UTF_8);
            harness.processBroadcastElement(
                    new StreamRecord<>(new RuleUpdate(rule.name(), json, 0, i)));
        }
    }

    private static long run(
            BroadcastOperatorTestHarness<RawRecord, RuleUpdate, RuleMatch> harness,
            List<byte[]> stream)
            throws Exception {
        long offset = 0;
        for (byte[] e : stream) {
            harness.processElement(new StreamRecord<>(new RawRecord("events", 0, offset++, e)));
        }
        long matched = harness.getOutput().size();
        harness.getOutput().clear();
        return matched;
    }

    /** Events over the (app, type) pairs that have rules, n uniform in 0..99. */
    private static List<byte[]> events(int count, int rules, List<EventType> types) {
        Random random = new Random(42);
        int pairs = Math.min(rules, APPS * types.size());
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int rule = random.nextInt(pairs);
            String app = "app-" + (rule % APPS);
            String type = types.get(rule / APPS % types.size()).wireName();
            String json =
                    "{\"event_id\":\"e-"
                            + i
                            + "\",\"app_id\":\""
                            + app
                            + "\",\"type\":\""
                            + type
                            + "\",\"user_id\":\"u-"
                            + random.nextInt(10_000)
                            + "\",\"timestamp\":\"2026-11-22T12:00:00.000Z\",\"context\":{\"os\":{\"name\":\"iOS\"}},"
                            + "\"properties\":{\"n\":"
                            + random.nextInt(100)
                            + ",\"total\":12.5,\"currency\":\"EUR\"}}";
            out.add(json.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
