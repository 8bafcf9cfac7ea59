package io.causality.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.EventEnricher;
import io.causality.jobs.common.EventReader;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleUpdate;
import io.causality.jobs.reaction.RuleEvaluator;
import io.causality.jobs.reaction.RuleLimits;
import io.causality.jobs.reaction.RuleMatch;
import io.causality.jobs.reaction.RulesTopicEnd;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventType;
import io.causality.stack.demo.DemoTraffic;
import java.io.IOException;
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
 * Rules are spread over apps and event types (rule i on pair i % 3,000: app i % 100, type i / 100 %
 * 30), events over the (app, type) pairs that have rules, shaped as the ingest stores them; the
 * rules of a pair test {@code $.properties.n == 0, 1, ...} and n is drawn so that 1 % of the events
 * match exactly one rule. The operator runs in Flink's test harness: parsing, index lookup,
 * condition evaluation, match and action rendering; no Kafka.
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
                "rule evaluator, one thread, %,d events per run, %d alternating rounds after a"
                        + " warm-up pass (median)%n",
                events, rounds);
        List<List<byte[]>> streams = new ArrayList<>();
        for (int rules : ruleCounts) {
            streams.add(events(events, rules, types));
        }
        long bytes = streams.get(0).stream().mapToLong(e -> e.length).sum();
        System.out.printf(
                "events as the ingest stores them, %,d bytes on average%n", bytes / events);
        System.out.printf(
                "%8s %12s %14s %14s %9s%n",
                "rules", "candidates", "events/s", "matches/event", "vs 10");
        // One untimed pass over every configuration first, so that the JIT has compiled the
        // evaluator before anything is measured; then rounds that alternate the configurations.
        for (int k = 0; k < ruleCounts.length; k++) {
            measure(ruleCounts[k], types, streams.get(k));
        }
        double[][] rates = new double[ruleCounts.length][rounds];
        long[] matched = new long[ruleCounts.length];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < ruleCounts.length; k++) {
                double[] result = measure(ruleCounts[k], types, streams.get(k));
                rates[k][r] = result[0];
                matched[k] = (long) result[1];
            }
        }
        double base = 0;
        for (int k = 0; k < ruleCounts.length; k++) {
            int rules = ruleCounts[k];
            java.util.Arrays.sort(rates[k]);
            double median = rates[k][rounds / 2];
            if (k == 0) {
                base = median;
            }
            double candidates =
                    Math.max(1.0, rules / (double) Math.min(rules, APPS * types.size()));
            System.out.printf(
                    "%,8d %12.1f %,14.0f %13.2f%% %8.0f%%%n",
                    rules, candidates, median, 100.0 * matched[k] / events, 100 * median / base);
        }
    }

    /** One timed run: events per second, and matches. */
    private static double[] measure(int rules, List<EventType> types, List<byte[]> stream)
            throws Exception {
        var harness =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new RuleEvaluator(RuleLimits.DEFAULT, RulesTopicEnd.none()),
                        RuleEvaluator.RULES,
                        RuleEvaluator.RULES_READ);
        try {
            deploy(harness, rules, types);
            long t0 = System.nanoTime();
            long matched = run(harness, stream);
            return new double[] {stream.size() / ((System.nanoTime() - t0) / 1e9), matched};
        } finally {
            harness.close();
        }
    }

    private static void deploy(
            BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch> harness,
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
                            + " where $.properties.n == "
                            + i / pairs(rules, types)
                            + " then webhook \"hook\" with {\"id\": $.event_id} end";
            var rule = Parser.parse("bench", text).rules().get(0);
            byte[] json =
                    new DeployedRule(rule, 1, now, "bench")
                            .toJson()
                            .toString()
                            .getBytes(StandardCharsets.UTF_8);
            harness.processBroadcastElement(
                    new StreamRecord<>(new RuleUpdate(rule.name(), json, "rules", 0, i)));
        }
    }

    private static long run(
            BroadcastOperatorTestHarness<EventRecord, RuleUpdate, RuleMatch> harness,
            List<byte[]> stream)
            throws Exception {
        long offset = 0;
        for (byte[] e : stream) {
            // The job's first step reads the envelope; then the evaluator: both are timed.
            harness.processElement(
                    new StreamRecord<>(EventReader.read(new RawRecord("events", 0, offset++, e))));
        }
        long matched = harness.getOutput().size();
        harness.getOutput().clear();
        return matched;
    }

    /** How many (app, type) pairs hold rules: rule i is on pair i % pairs. */
    private static int pairs(int rules, List<EventType> types) {
        return Math.min(rules, APPS * types.size());
    }

    /**
     * Events over the (app, type) pairs that have rules, one in a hundred matching one rule, each
     * as the ingest stores it: the demo traffic's event of that type, enriched by the ingest's own
     * enricher, with the same properties whatever the type (about 600 bytes).
     */
    private static List<byte[]> events(int count, int rules, List<EventType> types)
            throws IOException {
        Random random = new Random(42);
        Instant now = Instant.parse("2026-11-22T12:00:00Z");
        DemoTraffic traffic = new DemoTraffic(42, List.of("app-0"), 0.0, now);
        EventEnricher enricher = new EventEnricher();
        int pairs = pairs(rules, types);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int pair = random.nextInt(pairs);
            String app = "app-" + (pair % APPS);
            EventType type = types.get(pair / APPS % types.size());
            // The rules of a pair match n == 0, 1, ...: one event in a hundred matches one rule.
            int onPair = rules / pairs + (pair < rules % pairs ? 1 : 0);
            ObjectNode event = traffic.nativeEvent(app, type);
            // The same properties for every type, so that every configuration parses the same
            // amount of JSON whatever types its rules are on.
            event.putObject("properties")
                    .put("n", random.nextInt(100 * onPair))
                    .put("product_id", "p-" + random.nextInt(200))
                    .put("total", 12.5)
                    .put("currency", "EUR");
            enricher.enrich(
                    event, new EventEnricher.Origin(app, "127.0.0.1", "bench/1.0", "native", now));
            out.add(EventJson.mapper().writeValueAsBytes(event));
        }
        return out;
    }
}
