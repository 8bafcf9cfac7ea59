package io.causality.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.Topics;
import io.causality.stack.TopicEnds;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the rules made of the demo's traffic: the matches the reaction job committed since the demo
 * began, per rule, once the job has read every event the demo sent.
 */
public final class RuleMatchReport {
    private final Admin admin;
    private final String bootstrapServers;
    private final String reactionGroup;
    private final PrintStream out;

    public RuleMatchReport(
            Admin admin, String bootstrapServers, String reactionGroup, PrintStream out) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.reactionGroup = reactionGroup;
        this.out = out;
    }

    /** Where the matches topic ends now: the report counts what comes after. */
    public Map<TopicPartition, Long> mark() throws Exception {
        return endOffsets(Topics.RULE_MATCHES);
    }

    /**
     * Waits until the reaction job has committed offsets past every event now in the events topic
     * (it commits them with the checkpoint that commits its matches) and each of the {@code
     * expected} rules has matched, then prints the matches since {@code mark} by rule. False if
     * that did not happen in time.
     *
     * @param expected rules that must match: sequences, which complete only once event time has
     *     passed their last event
     */
    public boolean print(Map<TopicPartition, Long> mark, Set<String> expected, Duration timeout)
            throws Exception {
        Map<TopicPartition, Long> eventsEnd = endOffsets(Topics.EVENTS);
        Instant deadline = Instant.now().plus(timeout);
        out.print("waiting for the reaction job to evaluate every event ...");
        out.flush();
        // Its matches commit with the same checkpoint, a moment later: also wait until no
        // transaction holds the matches topic open.
        while (!caughtUp(eventsEnd) || !settled(Topics.RULE_MATCHES)) {
            if (Instant.now().isAfter(deadline)) {
                out.println(" not within " + timeout + " (is the reaction job running?)");
                return false;
            }
            Thread.sleep(500); // it commits at its next checkpoint; the deadline bounds this
        }
        out.println(" done");
        List<JsonNode> matches = readFrom(mark);
        Set<String> missing = missing(matches, expected);
        if (!missing.isEmpty()) {
            out.print(
                    "waiting for the sequence matches of the stories ("
                            + String.join(", ", missing)
                            + "): they come once event time has passed their last event ...");
            out.flush();
            while (!missing.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    out.println(" not within " + timeout + ": " + missing + " did not match");
                    report(matches);
                    return false;
                }
                Thread.sleep(1000); // event time moves with the wall clock; the deadline bounds it
                matches = readFrom(mark);
                missing = missing(matches, expected);
            }
            out.println(" done");
        }
        report(matches);
        return true;
    }

    private static Set<String> missing(List<JsonNode> matches, Set<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        matches.forEach(m -> missing.remove(m.path("rule").asText()));
        return missing;
    }

    private void report(List<JsonNode> matches) {
        Map<String, long[]> byRule = new TreeMap<>();
        Map<String, JsonNode> example = new HashMap<>();
        for (JsonNode m : matches) {
            String rule = m.path("rule").asText();
            long[] agg = byRule.computeIfAbsent(rule, r -> new long[2]);
            agg[0]++;
            agg[1] = m.path("version").asLong();
            example.putIfAbsent(rule, m);
        }
        out.println("rule matches since the demo began (" + Topics.RULE_MATCHES + "):");
        if (byRule.isEmpty()) {
            out.println("  none");
        }
        byRule.forEach(
                (rule, agg) ->
                        out.printf(
                                "  %-28s v%-3d %5d matches  e.g. key %s, events %s%n",
                                rule,
                                agg[1],
                                agg[0],
                                example.get(rule).path("key").asText("-"),
                                example.get(rule).path("event_ids")));
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(reactionGroup)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
        for (var e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private boolean settled(String topic) throws Exception {
        return TopicEnds.of(admin, topic, org.apache.kafka.common.IsolationLevel.READ_COMMITTED)
                .equals(endOffsets(topic));
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        return TopicEnds.of(admin, topic, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
    }

    private List<JsonNode> readFrom(Map<TopicPartition, Long> from) throws IOException {
        return TopicEnds.readCommitted(bootstrapServers, from);
    }
}
