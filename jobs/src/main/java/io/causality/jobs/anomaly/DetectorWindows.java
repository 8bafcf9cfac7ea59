package io.causality.jobs.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.MetricNames;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.PartialEventReader;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleIndex;
import io.causality.jobs.common.RuleUpdate;
import io.causality.rules.Detector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detectors of one app, keyed by app: every event the app sends is added to the open slides of
 * the groups of the detectors that read it (one state read and write per detector and event, no
 * scan), and one event-time timer per app and slide end closes the windows that end there, judges
 * each group's window, steps its alert state and sends a record for each change.
 *
 * <p>State per app: {@code slides} (kinds of event read, group-by paths and group → the open slides
 * of each detector that reads and groups so, and when the group last sent), {@code memory}
 * (detector and group → previous value, alert state, baseline), {@code groups} (detector → how many
 * groups it keeps). Detectors arrive as broadcast rules; a new version that measures the same keeps
 * this state, another one, or a delete, clears it in every key at once.
 */
public final class DetectorWindows
        extends KeyedBroadcastProcessFunction<String, EventRecord, RuleUpdate, AnomalyRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DetectorWindows.class);
    public static final String UID = "detect-anomalies";
    static final String JOB = "causality-anomaly";

    /** Deployed detectors, by name, as their JSON records. */
    public static final MapStateDescriptor<String, String> DETECTORS =
            new MapStateDescriptor<>("detectors", Types.STRING, Types.STRING);

    private static final MapStateDescriptor<String, SharedSlides> SLIDES =
            new MapStateDescriptor<>(
                    "group-slides",
                    StringSerializer.INSTANCE,
                    GroupStateSerializer.Slides.INSTANCE);
    private static final MapStateDescriptor<String, GroupMemory> MEMORY =
            new MapStateDescriptor<>(
                    "group-memory",
                    StringSerializer.INSTANCE,
                    GroupStateSerializer.Memory.INSTANCE);

    /** Detector → {groups kept, end of the last window closed}. */
    private static final MapStateDescriptor<String, long[]> GROUPS =
            new MapStateDescriptor<>(
                    "groups",
                    Types.STRING,
                    org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo
                            .LONG_PRIMITIVE_ARRAY_TYPE_INFO);

    private static final char SEP = '\u0000';

    /** The shortest time a quiet group is kept (it is longer for long windows and seasons). */
    private final long groupExpiryMillis;

    private transient MapState<String, SharedSlides> slides;
    private transient MapState<String, GroupMemory> memory;
    private transient MapState<String, long[]> groups;

    /**
     * The compiled detectors by app and kind of event, rebuilt from the broadcast state after a
     * restore: an event is looked at by the detectors that read it and no others.
     */
    private transient RuleIndex<CompiledDetector> compiled;

    /** Reads of each event what the running detectors read; made again when they change. */
    private transient PartialEventReader fields;

    private transient boolean compiledLoaded;
    private transient DeadLetters deadLetters;
    private transient Counter firing;
    private transient Counter resolved;
    private transient Counter windowsClosed;
    private transient Counter late;

    private transient Counter overLimit;
    private transient Counter errors;
    private transient Counter refused;

    public DetectorWindows(Duration groupExpiry) {
        this.groupExpiryMillis = groupExpiry.toMillis();
    }

    @Override
    public void open(OpenContext context) {
        slides = getRuntimeContext().getMapState(SLIDES);
        memory = getRuntimeContext().getMapState(MEMORY);
        groups = getRuntimeContext().getMapState(GROUPS);
        compiled = new RuleIndex<>(d -> d.rule);
        var metrics = getRuntimeContext().getMetricGroup();
        deadLetters = DeadLetters.open(metrics);
        firing = metrics.counter(MetricNames.ANOMALIES_FIRING);
        resolved = metrics.counter(MetricNames.ANOMALIES_RESOLVED);
        windowsClosed = metrics.counter(MetricNames.DETECTOR_WINDOWS);
        late = metrics.counter(MetricNames.LATE_DETECTOR_EVENTS);

        overLimit = metrics.counter(MetricNames.DETECTOR_GROUPS_OVER_LIMIT);
        errors = metrics.counter(MetricNames.EVALUATION_ERRORS);
        refused = metrics.counter(MetricNames.DETECTORS_REFUSED);
        metrics.gauge(MetricNames.DETECTORS_ACTIVE, () -> compiled.size());
    }

    // ---- detectors ----

    @Override
    public void processBroadcastElement(
            RuleUpdate update, Context ctx, Collector<AnomalyRecord> out) throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(DETECTORS);
        load(state);
        CompiledDetector before = compiled.get(update.name);
        // Also a stored version this release refused after a restore: its state must go too.
        boolean had = state.contains(update.name);
        CompiledDetector next = null;
        if (update.value != null) {
            try {
                next = CompiledDetector.parse(update.value);
                if (next != null && !next.name().equals(update.name)) {
                    throw new IllegalArgumentException(
                            "the record's key is '"
                                    + update.name
                                    + "' but the detector is named '"
                                    + next.name()
                                    + "'");
                }
            } catch (Exception e) {
                // A bad record must not switch a working detector off; the reaction job reports
                // refused rules on the rule-status topic, this job counts and dead-letters it.
                refused.inc();
                deadLetters.send(
                        ctx::output,
                        new DeadLetter(
                                JOB,
                                "detector " + update.name + " refused: " + e.getMessage(),
                                new RawRecord(
                                        update.topic,
                                        update.partition,
                                        update.offset,
                                        update.value)));
                return;
            }
        }
        if (next == null) {
            // Deleted, or now a rule: this job forgets it.
            state.remove(update.name);
            compiled.remove(update.name);
            fields = null;
            if (had) {
                clear(ctx, update.name, before, out, "deleted");
                LOG.info("detector {} deleted; its state is cleared", update.name);
            }
            return;
        }
        state.put(update.name, new String(update.value, StandardCharsets.UTF_8));
        compiled.put(next);
        fields = null;
        boolean same =
                before != null
                        && before.detector.measuresTheSameAs(next.detector)
                        && before.detector.latenessMillis() == next.detector.latenessMillis()
                        && before.rule.apps().equals(next.rule.apps());
        if (had && !same) {
            clear(
                    ctx,
                    update.name,
                    before,
                    out,
                    "changed: v" + next.version + " measures something else");
            LOG.info(
                    "detector {} v{} measures something else than v{}: its windows and baselines"
                            + " start again",
                    next.name(),
                    next.version,
                    before.version);
        } else {
            LOG.info("detector {} v{} active", next.name(), next.version);
        }
    }

    /**
     * Removes a detector's groups from every app's state; a firing group is resolved first, so that
     * receivers can close what they opened.
     */
    private void clear(
            Context ctx,
            String detector,
            CompiledDetector before,
            Collector<AnomalyRecord> out,
            String reason)
            throws Exception {
        String prefix = detector + SEP;
        ctx.applyToKeyedState(
                SLIDES,
                (key, s) -> {
                    List<String> all = new ArrayList<>();
                    s.keys().forEach(all::add);
                    for (String k : all) {
                        SharedSlides shared;
                        try {
                            shared = s.get(k);
                        } catch (Exception e) {
                            errors.inc(); // unreadable (RocksDB): it cannot be judged anyway
                            s.remove(k);
                            continue;
                        }
                        if (shared != null && shared.remove(detector)) {
                            if (shared.isEmpty()) {
                                s.remove(k);
                            } else {
                                s.put(k, shared);
                            }
                        }
                    }
                });
        ctx.applyToKeyedState(
                MEMORY,
                (app, s) -> {
                    List<String> mine = new ArrayList<>();
                    for (String k : s.keys()) {
                        if (k.startsWith(prefix)) {
                            mine.add(k);
                        }
                    }
                    for (String k : mine) {
                        if (before != null) {
                            try {
                                resolveCleared(
                                        before,
                                        app,
                                        k.substring(prefix.length()),
                                        s.get(k),
                                        reason,
                                        out);
                            } catch (Exception e) {
                                errors.inc(); // unreadable: it goes with the rest
                            }
                        }
                        s.remove(k);
                    }
                });
        ctx.applyToKeyedState(GROUPS, (key, s) -> s.remove(detector));
    }

    private void resolveCleared(
            CompiledDetector d,
            String app,
            String group,
            GroupMemory m,
            String reason,
            Collector<AnomalyRecord> out) {
        if (m.flap.state == FlapState.State.FIRING) {
            out.collect(
                    d.record(
                            app,
                            group,
                            m.flap.lastActive,
                            Double.NaN,
                            AlertCheck.Verdict.UNKNOWN,
                            FlapState.State.FIRING,
                            FlapState.State.RESOLVED,
                            m.flap.firedAt,
                            reason));
            resolved.inc();
        }
    }

    private PartialEventReader fields() {
        if (fields == null) {
            List<String> paths = new ArrayList<>();
            compiled.all().forEach(d -> paths.addAll(d.detector.pathsRead()));
            fields = PartialEventReader.of(paths);
        }
        return fields;
    }

    /** After a restore, the compiled detectors from the broadcast state. */
    private void load(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (compiledLoaded) {
            return;
        }
        compiledLoaded = true;
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            try {
                CompiledDetector d =
                        CompiledDetector.parse(e.getValue().getBytes(StandardCharsets.UTF_8));
                if (d != null) {
                    compiled.put(d);
                }
            } catch (Exception ex) {
                // A stored detector this version refuses does not run; say so once per restore.
                refused.inc();
                LOG.warn(
                        "stored detector {} refused after the restore: {}",
                        e.getKey(),
                        ex.getMessage());
            }
        }
    }

    // ---- events ----

    @Override
    public void processElement(EventRecord e, ReadOnlyContext ctx, Collector<AnomalyRecord> out)
            throws Exception {
        load(ctx.getBroadcastState(DETECTORS));
        List<CompiledDetector> candidates = compiled.candidates(e.app, e.type, e.name);
        if (candidates.isEmpty()) {
            return;
        }
        JsonNode event = null;
        long watermark = ctx.timerService().currentWatermark();
        // Detectors of an app mostly group alike and slide alike: the group's text is made, and
        // the timer registered, once for a run of them.
        String groupedBy = null;
        String group = null;
        String sharedKey = null;
        SharedSlides shared = null;
        long timer = Long.MIN_VALUE;
        for (CompiledDetector d : candidates) {
            try {
                if (event == null) {
                    event = fields().read(e.json);
                }
                CompiledDetector.Contribution c = d.contribution(event);
                if (c == CompiledDetector.Contribution.NONE) {
                    continue;
                }
                Detector det = d.detector;
                long slideStart = Math.floorDiv(e.time, det.slideMillis()) * det.slideMillis();
                long firstClose = slideStart + det.slideMillis() + det.latenessMillis();
                if (firstClose <= watermark
                        || (watermark == Long.MIN_VALUE && closedBefore(d, slideStart))) {
                    late.inc();
                    deadLetters.send(
                            ctx::output,
                            DeadLetter.ofRule(
                                            JOB,
                                            "late for detector "
                                                    + d.name()
                                                    + ": its window ending "
                                                    + Instant.ofEpochMilli(
                                                            slideStart + det.slideMillis())
                                                    + " had closed (lateness "
                                                    + det.latenessMillis()
                                                    + " ms)",
                                            d.name(),
                                            d.version,
                                            e.id,
                                            e.json)
                                    .from(e.topic, e.partition, e.offset));
                    continue;
                }
                if (!d.groupedBy.equals(groupedBy)) {
                    group = d.group(event);
                    groupedBy = d.groupedBy;
                }
                String slidesKey = d.sharedBy + SEP + group;
                if (!slidesKey.equals(sharedKey)) {
                    putShared(sharedKey, shared);
                    sharedKey = null;
                    shared = null;
                    // The heap backend hands out the stored object: it is updated in place, and
                    // put back for backends that keep bytes.
                    SharedSlides stored = slides.get(slidesKey);
                    shared = stored == null ? new SharedSlides() : stored;
                    sharedKey = slidesKey;
                }
                String key = d.name() + SEP + group;
                GroupSlides g = shared.get(d.name());
                if (g == null) {
                    if (!memory.contains(key)) {
                        long[] meta = groups.get(d.name());
                        long count = meta == null ? 0 : meta[0];
                        if (count >= det.maxGroups()) {
                            overLimit.inc();
                            continue;
                        }
                        groups.put(
                                d.name(),
                                new long[] {count + 1, meta == null ? Long.MIN_VALUE : meta[1]});
                        GroupMemory m = newMemory(det);
                        m.firstSlide = slideStart;
                        memory.put(key, m);
                    }
                    g = new GroupSlides();
                    shared.put(d.name(), g);
                }
                Slide s = g.at(slideStart);
                switch (c) {
                    case COUNT -> s.count++;
                    case DENOMINATOR -> s.denominator++;
                    case BOTH -> {
                        s.count++;
                        s.denominator++;
                    }
                    case VALUE -> s.addValue(d.value(event));
                    case DISTINCT -> s.addDistinct(d.distinctHash(event));
                    case NONE -> {}
                }
                s.last = Math.max(s.last, e.time);
                if (firstClose != timer) {
                    ctx.timerService().registerEventTimeTimer(firstClose);
                    timer = firstClose;
                }
            } catch (RuntimeException | java.io.IOException ex) {
                errors.inc();
                deadLetters.send(
                        ctx::output,
                        DeadLetter.ofRule(
                                        JOB,
                                        "detector "
                                                + d.name()
                                                + " v"
                                                + d.version
                                                + " failed on the event: "
                                                + ex,
                                        d.name(),
                                        d.version,
                                        e.id,
                                        e.json)
                                .from(e.topic, e.partition, e.offset));
            }
        }
        putShared(sharedKey, shared);
    }

    private void putShared(String key, SharedSlides shared) throws Exception {
        if (shared != null && !shared.isEmpty()) {
            slides.put(key, shared);
        }
    }

    /**
     * Whether the first window of a slide has been closed already: the watermark is not kept in a
     * savepoint, so right after a restore it says nothing, and the last closed window does.
     */
    private boolean closedBefore(CompiledDetector d, long slideStart) throws Exception {
        long[] meta = groups.get(d.name());
        return meta != null && slideStart + d.detector.slideMillis() <= meta[1];
    }

    private static GroupMemory newMemory(Detector d) {
        GroupMemory m = new GroupMemory();
        m.baseline = newBaseline(d);
        return m;
    }

    private static Baseline newBaseline(Detector d) {
        if (!(d.alert() instanceof Detector.Alert.Deviation dv)) {
            return null;
        }
        return new Baseline(
                Baseline.slots(dv.seasonality().periodMillis, d.slideMillis()), dv.windows());
    }

    // ---- closing windows ----

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<AnomalyRecord> out) throws Exception {
        load(ctx.getBroadcastState(DETECTORS));
        String app = ctx.getCurrentKey();
        Set<String> closing = new LinkedHashSet<>();
        for (CompiledDetector d : compiled.all()) {
            long end = t - d.detector.latenessMillis();
            if (d.forApp(app) && Math.floorMod(end, d.detector.slideMillis()) == 0) {
                long[] meta = groups.get(d.name());
                // A timer from before a restore may come again for a window already closed.
                if (meta != null && end > meta[1]) {
                    closing.add(d.name());
                }
            }
        }
        if (closing.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>();
        for (String k : memory.keys()) {
            if (closing.contains(k.substring(0, k.indexOf(SEP)))) {
                keys.add(k);
            }
        }
        Map<String, Integer> left = new HashMap<>();
        for (String key : keys) {
            String name = key.substring(0, key.indexOf(SEP));
            CompiledDetector d = compiled.get(name);
            String group = key.substring(key.indexOf(SEP) + 1);
            try {
                boolean kept = close(d, app, group, key, t - d.detector.latenessMillis(), out);
                left.merge(name, kept ? 1 : 0, Integer::sum);
            } catch (Exception ex) {
                // A group whose evaluation fails, or whose state cannot be read (RocksDB), is
                // dropped, never kept failing forever.
                errors.inc();
                memory.remove(key);
                try {
                    forgetSlides(d, group);
                } catch (Exception unreadable) {
                    slides.remove(d.sharedBy + SEP + group);
                }
                left.merge(name, 0, Integer::sum);
                LOG.warn(
                        "detector {} failed closing a window of app {}, group dropped: {}",
                        name,
                        app,
                        ex.toString());
            }
        }
        for (String name : closing) {
            int n = left.getOrDefault(name, 0);
            CompiledDetector d = compiled.get(name);
            if (n == 0) {
                groups.remove(name);
            } else {
                groups.put(name, new long[] {n, t - d.detector.latenessMillis()});
                ctx.timerService().registerEventTimeTimer(t + d.detector.slideMillis());
            }
        }
    }

    /** Judges one group's window ending at {@code end}; false when the group is forgotten. */
    private boolean close(
            CompiledDetector d,
            String app,
            String group,
            String key,
            long end,
            Collector<AnomalyRecord> out)
            throws Exception {
        Detector det = d.detector;
        GroupMemory m = memory.get(key);
        String sharedKey = d.sharedBy + SEP + group;
        SharedSlides shared = slides.get(sharedKey);
        if (shared == null) {
            shared = new SharedSlides();
        }
        GroupSlides g = shared.get(d.name());
        if (g == null) {
            g = new GroupSlides();
            shared.put(d.name(), g);
        }
        double value = Measures.value(det.measure(), g.window(end, det.windowMillis()));
        // Silence counts from the latest event before the window's end: events of later slides
        // may be here already when the watermark is behind.
        m.lastSeen = Math.max(m.lastSeen, g.lastBefore(end));
        if (m.lastSeen == Long.MIN_VALUE) {
            return true; // the group's first event is in a later window: nothing to judge yet
        }
        long silent = m.lastSeen == Long.MIN_VALUE ? 0 : Math.max(0, end - m.lastSeen);
        Baseline b = baselineFor(det, m.baseline);
        m.baseline = b;
        int slot = b == null ? 0 : b.slotOf(end, det.slideMillis());
        double[] history = b == null ? new double[0] : b.history(slot);
        // A window that starts before the group's first slide saw part of it only (the detector
        // was deployed, or the group appeared, within it): not judged, not learnt from.
        boolean partial = end - det.windowMillis() < m.firstSlide;
        if (!partial) {
            AlertCheck.Verdict verdict = AlertCheck.check(det, value, m.previous, history, silent);
            windowsClosed.inc();
            FlapState.State from = m.flap.state;
            FlapState.State to = m.flap.step(verdict.active(), end, det.flap());
            if (to != null && !(from == FlapState.State.RESOLVED && to == FlapState.State.NORMAL)) {
                emit(d, app, group, end, value, verdict, from, to, m, null, out);
            }
            if (b != null) {
                b.record(slot, value);
            }
            m.previous = value;
        }
        g.dropBefore(end - det.windowMillis() + det.slideMillis());
        if (g.isEmpty()
                && silent >= expiry(det)
                && (m.flap.idle(end, det.flap()) || m.flap.state == FlapState.State.FIRING)) {
            if (m.flap.state == FlapState.State.FIRING) {
                m.flap.state = FlapState.State.RESOLVED;
                emit(
                        d,
                        app,
                        group,
                        end,
                        value,
                        AlertCheck.Verdict.UNKNOWN,
                        FlapState.State.FIRING,
                        FlapState.State.RESOLVED,
                        m,
                        "expired: the group has sent nothing since "
                                + Instant.ofEpochMilli(m.lastSeen),
                        out);
            }
            memory.remove(key);
            forgetSlides(d, group);
            return false;
        }
        memory.put(key, m);
        slides.put(sharedKey, shared);
        return true;
    }

    /** Removes a detector's slides of a group it forgets. */
    private void forgetSlides(CompiledDetector d, String group) throws Exception {
        String sharedKey = d.sharedBy + SEP + group;
        SharedSlides shared = slides.get(sharedKey);
        if (shared != null) {
            shared.remove(d.name());
            if (shared.isEmpty()) {
                slides.remove(sharedKey);
            } else {
                slides.put(sharedKey, shared);
            }
        }
    }

    private void emit(
            CompiledDetector d,
            String app,
            String group,
            long end,
            double value,
            AlertCheck.Verdict verdict,
            FlapState.State from,
            FlapState.State to,
            GroupMemory m,
            String reason,
            Collector<AnomalyRecord> out) {
        boolean ofFiring = to == FlapState.State.FIRING || to == FlapState.State.RESOLVED;
        out.collect(
                d.record(
                        app,
                        group,
                        end,
                        value,
                        verdict,
                        from,
                        to,
                        ofFiring ? m.flap.firedAt : end,
                        reason));
        if (to == FlapState.State.FIRING) {
            firing.inc();
        } else if (to == FlapState.State.RESOLVED) {
            resolved.inc();
        }
    }

    /** The group's baseline in the shape the detector asks for now, keeping what still fits. */
    private static Baseline baselineFor(Detector det, Baseline had) {
        Baseline want = newBaseline(det);
        if (want == null || had == null) {
            return want;
        }
        Detector.Alert.Deviation dv = (Detector.Alert.Deviation) det.alert();
        int slots = Baseline.slots(dv.seasonality().periodMillis, det.slideMillis());
        if (had.fits(slots, dv.windows())) {
            return had;
        }
        if (had.slots() == slots) {
            for (int s = 0; s < slots; s++) {
                for (double v : had.history(s)) {
                    want.record(s, v);
                }
            }
        }
        return want;
    }

    /**
     * How long a group that sends nothing is kept: at least the job's group expiry, two windows,
     * the no-data duration with the flap times after it, and a whole season.
     */
    long expiry(Detector d) {
        long e = Math.max(groupExpiryMillis, 2 * d.windowMillis());
        Detector.Flap f = d.flap();
        if (d.alert() instanceof Detector.Alert.NoData n) {
            e = Math.max(e, n.forMillis() + f.pendingMillis() + f.keepFiringMillis());
        }
        if (d.alert() instanceof Detector.Alert.Deviation dv) {
            e = Math.max(e, dv.seasonality().periodMillis);
        }
        return e;
    }
}
