package io.causality.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.contracts.Topics;
import io.causality.stack.TopicEnds;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * Sends demo traffic through the ingest (native and Segment batches, a share of them invalid), the
 * {@link DemoStories} for the example sequence rules first, shows progress, and ends with what was
 * accepted, what was rejected and why, and how many events Kafka gained.
 */
public final class Demo {
    private final IngestClient client;
    private final Map<String, String> keysByApp;
    private final Admin admin;
    private final PrintStream out;

    public Demo(IngestClient client, Map<String, String> keysByApp, Admin admin, PrintStream out) {
        this.client = client;
        this.keysByApp = keysByApp;
        this.admin = admin;
        this.out = out;
    }

    /** What one run did. */
    public record Result(
            int sent,
            int accepted,
            int rejected,
            Map<String, Integer> rejectedByCode,
            long kafkaGained,
            Instant started,
            List<String> acceptedIds,
            List<DemoStories.Story> stories) {}

    public Result run(int events, long seed, int batchSize) throws Exception {
        Instant now = Instant.now();
        // The stories first, as they happen; then the random traffic.
        List<DemoStories.Story> stories = DemoStories.of(storyApp(), seed, now);
        List<DemoTraffic.DemoEvent> traffic = new ArrayList<>();
        for (DemoStories.Story story : stories) {
            out.printf(
                    "story for the %s %s: %s%n",
                    story.detector() ? "detector" : "sequence rule", story.rule(), story.telling());
            story.events()
                    .forEach(
                            e ->
                                    traffic.add(
                                            new DemoTraffic.DemoEvent(storyApp(), e, false, true)));
        }
        traffic.addAll(
                new DemoTraffic(seed, List.copyOf(keysByApp.keySet()), 0.05, now).generate(events));
        events = traffic.size();
        Instant started = Instant.now();
        long before = endOffsets();
        java.util.Set<String> acceptedIds = new java.util.LinkedHashSet<>();
        int sent = 0;
        int accepted = 0;
        Map<String, Integer> rejectedByCode = new TreeMap<>();
        Map<String, List<DemoTraffic.DemoEvent>> groups =
                traffic.stream()
                        .collect(
                                Collectors.groupingBy(
                                        e -> e.app() + (e.segment() ? "/segment" : "/native"),
                                        TreeMap::new,
                                        Collectors.toList()));
        long t0 = System.nanoTime();
        for (var group : groups.entrySet()) {
            List<DemoTraffic.DemoEvent> list = group.getValue();
            String key = keysByApp.get(list.get(0).app());
            boolean segment = list.get(0).segment();
            for (int i = 0; i < list.size(); i += batchSize) {
                List<ObjectNode> batch = new ArrayList<>();
                for (DemoTraffic.DemoEvent e :
                        list.subList(i, Math.min(list.size(), i + batchSize))) {
                    batch.add(e.body());
                }
                IngestClient.Answer a =
                        segment ? client.segmentBatch(key, batch) : client.nativeBatch(key, batch);
                sent += batch.size();
                if (a.status() == 200 || a.status() == 400) {
                    accepted += a.accepted();
                    a.body().path("event_ids").forEach(id -> acceptedIds.add(id.asText()));
                    countRejections(a.body().path("rejected"), rejectedByCode);
                } else {
                    throw new IllegalStateException(
                            "the ingest answered " + a.status() + ": " + a.body());
                }
                progress(sent, events, accepted, t0);
            }
        }
        out.println();
        long gained = endOffsets() - before;
        int rejected = rejectedByCode.values().stream().mapToInt(Integer::intValue).sum();
        out.printf("sent %d events: %d accepted, %d rejected%n", sent, accepted, rejected);
        rejectedByCode.forEach((code, n) -> out.printf("  rejected %-20s %d%n", code, n));
        out.printf(
                "Kafka topic %s gained %d events%s%n",
                Topics.EVENTS,
                gained,
                gained == accepted ? " (= accepted)" : " (MISMATCH with accepted!)");
        return new Result(
                sent,
                accepted,
                rejected,
                rejectedByCode,
                gained,
                started,
                List.copyOf(acceptedIds),
                stories);
    }

    /** The app the stories happen in: the demo shop if there is one. */
    private String storyApp() {
        return keysByApp.containsKey("demo-shop")
                ? "demo-shop"
                : new TreeMap<>(keysByApp).firstKey();
    }

    /** One count per rejected event (its first problem), as the service's metric counts. */
    private static void countRejections(JsonNode rejected, Map<String, Integer> byCode) {
        int last = -1;
        for (JsonNode r : rejected) {
            int index = r.path("index").asInt();
            if (index != last) {
                byCode.merge(r.path("code").asText(), 1, Integer::sum);
                last = index;
            }
        }
    }

    private void progress(int sent, int total, int accepted, long t0) {
        double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
        out.printf(
                "\r  sent %d/%d events (%d%%), accepted %d, %.0f events/s   ",
                sent, total, 100 * sent / total, accepted, sent / secs);
        out.flush();
    }

    private long endOffsets() throws Exception {
        return TopicEnds.of(
                        admin,
                        Topics.EVENTS,
                        org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)
                .values()
                .stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
