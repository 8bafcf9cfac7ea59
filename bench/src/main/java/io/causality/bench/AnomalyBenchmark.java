package io.causality.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.EventEnricher;
import io.causality.jobs.anomaly.AnomalyRecord;
import io.causality.jobs.anomaly.DetectorWindows;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventReader;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.PartialEventReader;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleUpdate;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventType;
import io.causality.stack.demo.DemoTraffic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Events per second through the anomaly job's operator on one thread (one core) with 100 detectors
 * over 10,000 groups each, and the state it keeps per group. 10 apps of 1,000 devices; each
 * detector groups by device (10 apps × 1,000 = 10,000 groups) and reads one of 10 event types, so
 * each event updates 10 detectors. The detectors mix the measures (count, sum, average, distinct
 * count) and alerts (threshold, change, deviation over 10 windows). Events are shaped as the ingest
 * stores them and span a few minutes of event time (2 by default: 500,000 events a minute, the
 * density of a stream at about 8,000 events/s); a watermark every 1,000 events closes the 1-minute
 * windows as the run goes, and every group of every detector is judged at each close, so judging
 * windows is part of the cost. The operator runs in Flink's test harness on RocksDB, the cluster's
 * state backend (or on the heap backend); no Kafka.
 *
 * <p>{@code bench/run-anomaly [events=1000000] [rounds=3] [minutes of event time=2] [devices per
 * app=1000] [rocksdb|heap]}
 */
public final class AnomalyBenchmark {
    private static final int APPS = 10;
    private static int devices = 1_000;
    private static final int DETECTORS = Integer.getInteger("bench.detectors", 100);
    private static final int TYPES = 10;
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static long spanMillis;

    /** What the reading loops computed, kept so that the JIT cannot drop them. */
    static volatile long consumed;

    /** RocksDB, as on the cluster (flink-conf), or the heap backend. */
    private static boolean rocksdb;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        spanMillis = Duration.ofMinutes(args.length > 2 ? Integer.parseInt(args[2]) : 2).toMillis();
        devices = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
        rocksdb = !(args.length > 4 && args[4].equals("heap"));
        List<EventType> types = new ArrayList<>();
        for (EventType t : EventType.values()) {
            if (t != EventType.CUSTOM && types.size() < TYPES) {
                types.add(t);
            }
        }
        System.out.printf(
                "anomaly operator, one thread, %s state: %d detectors, %,d groups each (%d apps x %,d"
                        + " devices), %d detectors per event; %,d events over %d minutes of event"
                        + " time, %d rounds after a warm-up (median)%n",
                rocksdb ? "RocksDB" : "heap",
                DETECTORS,
                APPS * devices,
                APPS,
                devices,
                DETECTORS / TYPES,
                events,
                spanMillis / 60_000,
                rounds);
        List<byte[]> stream = events(events, types);
        System.out.printf(
                "events as the ingest stores them, %,d bytes on average%n",
                stream.stream().mapToLong(e -> e.length).sum() / events);
        measure(stream, types, false); // warm-up
        double[] rates = new double[rounds];
        double[] result = null;
        for (int r = 0; r < rounds; r++) {
            result = measure(stream, types, r == rounds - 1);
            rates[r] = result[0];
            System.out.printf(
                    "round %d: %,.0f events/s, %,.0f state changes%n", r + 1, rates[r], result[1]);
        }
        Arrays.sort(rates);
        System.out.printf("== median: %,.0f events/s per core%n", rates[rounds / 2]);
        reading(stream, rates[rounds / 2]);
        System.out.printf(
                "== state: %,.0f bytes in a snapshot for %,d groups: %,.0f bytes per group and"
                        + " detector%n",
                result[2],
                (long) DETECTORS * APPS * devices,
                result[2] / ((double) DETECTORS * APPS * devices));
    }

    /** One run: events/s, state changes and, when asked, the snapshot's size. */
    @SuppressWarnings("unchecked")
    private static double[] measure(List<byte[]> stream, List<EventType> types, boolean snapshot)
            throws Exception {
        var harness =
                new KeyedBroadcastOperatorTestHarness<
                        String, EventRecord, RuleUpdate, AnomalyRecord>(
                        new CoBroadcastWithKeyedOperator<>(
                                new DetectorWindows(Duration.ofHours(24)),
                                List.of(DetectorWindows.DETECTORS)),
                        (EventRecord e) -> e.app,
                        Types.STRING,
                        1,
                        1,
                        0);
        // the snapshot of 1,000,000 groups is larger than the in-memory default of 5 MB
        harness.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
        if (rocksdb) {
            EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
            // A slot's share of the cluster's managed memory (flink-conf: 256m over 4 slots);
            // the harness would otherwise give RocksDB a few megabytes.
            rocks.getMemoryConfiguration().setFixedMemoryPerSlot("64m");
            harness.setStateBackend(rocks);
        }
        harness.setup();
        harness.open();
        try {
            harness.processBroadcastWatermark(Long.MAX_VALUE);
            deploy(harness, types);
            long changes = 0;
            long offset = 0;
            long t0 = System.nanoTime();
            for (byte[] e : stream) {
                EventRecord r = EventReader.read(new RawRecord("events", 0, offset, e));
                harness.processElement(new StreamRecord<>(r, r.time));
                if (++offset % 1_000 == 0) {
                    harness.processWatermark(new Watermark(r.time - 1_000));
                    changes += harness.getOutput().size();
                    harness.getOutput().clear();
                }
            }
            double rate = stream.size() / ((System.nanoTime() - t0) / 1e9);
            var letters = harness.getSideOutput(DeadLetters.TAG);
            if (letters != null && !letters.isEmpty()) {
                // A benchmark of events the operator refused would measure the wrong thing.
                throw new IllegalStateException(
                        letters.size()
                                + " events were dead letters, the first: "
                                + ((StreamRecord<DeadLetter>) letters.peek()).getValue().reason);
            }
            double size = 0;
            if (snapshot) {
                OperatorSubtaskState s = harness.snapshot(1, 1);
                size = s.getManagedKeyedState().getStateSize();
            }
            return new double[] {rate, changes, size};
        } finally {
            harness.close();
        }
    }

    /**
     * What reading the events alone costs, per event: the envelope read every job does before its
     * key, and the read of the fields the detectors' paths reach. The two are the floor under the
     * operator's rate, whatever it does with the fields.
     */
    private static void reading(List<byte[]> stream, double median) throws Exception {
        PartialEventReader fields =
                PartialEventReader.of(
                        List.of("$.properties.n", "$.user_id", "$.context.device.id"));
        double envelope = Double.MAX_VALUE;
        double partial = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (byte[] e : stream) {
                sink += EventReader.read(new RawRecord("events", 0, 0, e)).time;
            }
            long t1 = System.nanoTime();
            for (byte[] e : stream) {
                sink += fields.read(e).size();
            }
            long t2 = System.nanoTime();
            envelope = Math.min(envelope, (t1 - t0) / 1e3 / stream.size());
            partial = Math.min(partial, (t2 - t1) / 1e3 / stream.size());
        }
        System.out.printf(
                "== reading alone (best of 3): envelope %.2f us + detectors' fields %.2f us per"
                        + " event, of the %.2f us an event takes at the median%n",
                envelope, partial, 1e6 / median);
        consumed = sink;
    }

    private static void deploy(
            KeyedBroadcastOperatorTestHarness<String, EventRecord, RuleUpdate, AnomalyRecord> h,
            List<EventType> types)
            throws Exception {
        for (int i = 0; i < DETECTORS; i++) {
            String type = types.get(i % TYPES).wireName();
            String measure =
                    switch (i / TYPES % 4) {
                        case 0 -> "count of " + type;
                        case 1 -> "sum of $.properties.n on " + type;
                        case 2 -> "avg of $.properties.n on " + type;
                        default -> "distinct count of $.user_id on " + type;
                    };
            String alert =
                    switch (i / TYPES % 3) {
                        case 0 -> "above 1000";
                        case 1 -> "rises by 500 percent";
                        default -> "deviates by 6 sigma over 10 windows";
                    };
            String text =
                    "detector \"d-"
                            + i
                            + "\" measure "
                            + measure
                            + " group by $.context.device.id limit 20000 window 1m alert when "
                            + alert
                            + " then webhook \"oncall\" with {\"v\": @value} end";
            var rule = Parser.parse("bench", text).rules().get(0);
            byte[] json =
                    new DeployedRule(rule, 1, T0, "bench")
                            .toJson()
                            .toString()
                            .getBytes(StandardCharsets.UTF_8);
            h.processBroadcastElement(
                    new StreamRecord<>(new RuleUpdate(rule.name(), json, "rules", 0, i)));
        }
    }

    private static List<byte[]> events(int count, List<EventType> types) throws Exception {
        Random random = new Random(42);
        DemoTraffic traffic = new DemoTraffic(42, List.of("app-0"), 0.0, T0);
        EventEnricher enricher = new EventEnricher();
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String app = "app-" + random.nextInt(APPS);
            ObjectNode event = traffic.nativeEvent(app, types.get(random.nextInt(TYPES)));
            Instant at = T0.plusMillis(spanMillis * i / count);
            event.put("timestamp", at.toString());
            event.put("sent_at", at.toString()); // no clock skew to correct: times stay in order
            event.put("user_id", "u-" + random.nextInt(5_000));
            ((ObjectNode) event.get("context").get("device"))
                    .put("id", "device-" + random.nextInt(devices));
            event.putObject("properties").put("n", random.nextInt(100));
            enricher.enrich(
                    event, new EventEnricher.Origin(app, "127.0.0.1", "bench/1.0", "native", at));
            out.add(EventJson.mapper().writeValueAsBytes(event));
        }
        return out;
    }
}
