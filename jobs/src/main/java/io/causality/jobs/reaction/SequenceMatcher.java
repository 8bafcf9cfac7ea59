package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.MetricNames;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.EventTime;
import io.causality.jobs.common.RuleUpdate;
import io.causality.rules.Rule;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Matches sequence rules per (rule, app, key), with the NFA that flink-cep compiles from the rule:
 * flink-cep fixes its patterns when a job is built, so this operator does what its operator does
 * (buffer events until the watermark, feed them to the NFA in event-time order, advance time so
 * that windows close and absences fire), but takes the pattern from the broadcast rules, one NFA
 * per rule and version. The app is part of the key: a rule without {@code for app} runs per app,
 * never across apps.
 *
 * <p>State per key: the NFA's partial matches ({@link NFAState}), its shared buffer of events, the
 * events waiting for the watermark, the rule version they belong to, the ids of the events counted
 * within the window (a repeat counts once, however late it comes), and events waiting for a rule
 * this instance has not received yet. A new version drops the partial matches of the old one; a
 * deleted rule's state is cleared at the key's next timer; state expires with the window.
 *
 * <p>Nothing the rules or events do stops the job: conditions, key paths and payloads are guarded
 * as in the evaluator ({@link RuleRuntime}), and a stored rule this version refuses clears its keys
 * and reports their events as dead letters.
 */
public final class SequenceMatcher
        extends KeyedBroadcastProcessFunction<String, SequenceInput, RuleUpdate, RuleMatch>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    public static final String UID = "match-sequences";

    public static final String MATCHES_METRIC = MetricNames.SEQUENCE_MATCHES;
    public static final String LATE_METRIC = MetricNames.LATE_SEQUENCE_EVENTS;

    static final ValueStateDescriptor<Integer> VERSION =
            new ValueStateDescriptor<>("sequence-version", Types.INT);
    static final ValueStateDescriptor<NFAState> NFA_STATE =
            new ValueStateDescriptor<>("sequence-nfa", new NFAStateSerializer());
    static final MapStateDescriptor<Long, List<String>> BUFFER =
            new MapStateDescriptor<>("sequence-buffer", Types.LONG, Types.LIST(Types.STRING));

    /** The app of a key in savepoints from before the app was part of the key; read to clear. */
    static final ValueStateDescriptor<String> LEGACY_APP =
            new ValueStateDescriptor<>("sequence-app", Types.STRING);

    /** Event ids counted within the window, with their event time. */
    static final MapStateDescriptor<String, Long> SEEN =
            new MapStateDescriptor<>("sequence-seen", Types.STRING, Types.LONG);

    /** The same ids by the bucket of time they expire in, so expiry reads few entries. */
    static final MapStateDescriptor<Long, List<String>> SEEN_EXPIRY =
            new MapStateDescriptor<>("sequence-seen-expiry", Types.LONG, Types.LIST(Types.STRING));

    /** Events routed under a rule (or version) this instance has not received yet. */
    static final ListStateDescriptor<SequenceInput> PENDING =
            new ListStateDescriptor<>("sequence-pending", TypeInformation.of(SequenceInput.class));

    static final ValueStateDescriptor<Long> PENDING_SINCE =
            new ValueStateDescriptor<>("sequence-pending-since", Types.LONG);

    static final ListStateDescriptor<String> SUSPENDED =
            new ListStateDescriptor<>("suspended-rules", Types.STRING);

    /** How often a key with waiting events looks for their rule again (processing time). */
    static final long PENDING_RETRY_MILLIS = 1_000;

    private final RuleLimits limits;

    private transient ValueState<Integer> version;
    private transient ValueState<NFAState> nfaState;
    private transient MapState<Long, List<String>> buffer;
    private transient ValueState<String> legacyApp;
    private transient MapState<String, Long> seen;
    private transient MapState<Long, List<String>> seenExpiry;
    private transient ListState<SequenceInput> pending;
    private transient ValueState<Long> pendingSince;
    private transient SharedBuffer<String> sharedBuffer;
    private transient Map<String, Running> running;
    private transient RuleRuntime runtime;
    private transient ListState<String> suspendedState;
    private transient Iterable<String> restoredSuspensions;
    private transient LongSupplier clock;
    private transient Counter matches;
    private transient Counter late;
    private transient Counter repeated;
    private transient Counter withoutRule;
    private transient Counter legacyDropped;

    /**
     * A sequence rule with its NFA, for one version; or, with {@code rule} and {@code nfa} null,
     * why this version cannot run here.
     */
    private record Running(
            String name, int version, ActiveRule rule, NFA<String> nfa, String refusal) {
        Rule.Sequence sequence() {
            return rule.compiled.sequence();
        }
    }

    public SequenceMatcher(RuleLimits limits) {
        this.limits = limits;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        suspendedState = context.getOperatorStateStore().getUnionListState(SUSPENDED);
        restoredSuspensions = suspendedState.get();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        suspendedState.update(runtime.snapshot());
    }

    @Override
    public void open(OpenContext context) throws Exception {
        version = getRuntimeContext().getState(VERSION);
        nfaState = getRuntimeContext().getState(NFA_STATE);
        buffer = getRuntimeContext().getMapState(BUFFER);
        legacyApp = getRuntimeContext().getState(LEGACY_APP);
        seen = getRuntimeContext().getMapState(SEEN);
        seenExpiry = getRuntimeContext().getMapState(SEEN_EXPIRY);
        pending = getRuntimeContext().getListState(PENDING);
        pendingSince = getRuntimeContext().getState(PENDING_SINCE);
        sharedBuffer =
                new SharedBuffer<>(
                        new RuntimeStateStore(getRuntimeContext()), StringSerializer.INSTANCE);
        running = new HashMap<>();
        clock = System::currentTimeMillis;
        var group = getRuntimeContext().getMetricGroup();
        runtime = new RuleRuntime(UID, limits, group, clock);
        if (restoredSuspensions != null) {
            runtime.restore(restoredSuspensions);
        }
        matches = group.counter(MATCHES_METRIC);
        late = group.counter(LATE_METRIC);
        repeated = group.counter(MetricNames.SEQUENCE_EVENTS_REPEATED);
        withoutRule = group.counter(MetricNames.SEQUENCE_EVENTS_WITHOUT_RULE);
        legacyDropped = group.counter(MetricNames.LEGACY_SEQUENCE_STATES_DROPPED);
    }

    @Override
    public void processElement(SequenceInput in, ReadOnlyContext ctx, Collector<RuleMatch> out)
            throws Exception {
        Running rule = running(ctx.getBroadcastState(RuleEvaluator.RULES), in.rule, ctx::output);
        if (rule == null || rule.version() < in.version) {
            // The evaluator has this version already; this instance's copy is on its way.
            long now = ctx.timerService().currentProcessingTime();
            pending.add(in);
            if (pendingSince.value() == null) {
                pendingSince.update(now);
            }
            ctx.timerService().registerProcessingTimeTimer(now + PENDING_RETRY_MILLIS);
            return;
        }
        accept(in, rule, ctx.timerService().currentWatermark(), ctx.timerService(), ctx::output);
    }

    /** Buffers an event for the NFA, unless it is late or counted already within the window. */
    private void accept(
            SequenceInput in,
            Running rule,
            long watermark,
            org.apache.flink.streaming.api.TimerService timers,
            SideOutputs side)
            throws Exception {
        if (rule.refusal() != null) {
            cannotRun(rule, in.eventId, in.event, side);
            return;
        }
        if (rule.rule().suspended()) {
            return;
        }
        if (in.time <= watermark) {
            // Its window may have closed already; the NFA takes events in event-time order only.
            late.inc();
            return;
        }
        if (in.eventId != null) {
            if (seen.contains(in.eventId)) {
                repeated.inc();
                return;
            }
            long expires = expiryBucket(in.time + rule.sequence().withinMillis(), rule);
            seen.put(in.eventId, in.time);
            List<String> ids = seenExpiry.get(expires);
            ids = ids == null ? new ArrayList<>() : new ArrayList<>(ids);
            ids.add(in.eventId);
            seenExpiry.put(expires, ids);
            timers.registerEventTimeTimer(expires);
        }
        List<String> at = buffer.get(in.time);
        at = at == null ? new ArrayList<>() : new ArrayList<>(at);
        at.add(in.event);
        buffer.put(in.time, at);
        timers.registerEventTimeTimer(in.time);
    }

    /**
     * The end of the expiry bucket a time falls in: buckets of a 32nd of the window (a minute at
     * least), so a key's ids expire in at most 33 groups and their timers coalesce.
     */
    private static long expiryBucket(long time, Running rule) {
        long size = Math.max(60_000L, rule.sequence().withinMillis() / 32);
        return (Math.floorDiv(time, size) + 1) * size;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RuleMatch> out)
            throws Exception {
        String[] parts = ctx.getCurrentKey().split(String.valueOf(SequenceInput.SEPARATOR), 3);
        if (parts.length < 3) {
            dropLegacy();
            return;
        }
        ReadOnlyBroadcastState<String, String> rules = ctx.getBroadcastState(RuleEvaluator.RULES);
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            retryPending(rules, ctx);
            return;
        }
        String ruleName = parts[0];
        String app = parts[1];
        String key = parts[2];
        Running rule = running(rules, ruleName, ctx::output);
        if (rule == null || rule.refusal() != null || rule.rule().suspended()) {
            // Deleted, refused by this version of the job, or suspended: release what its partial
            // matches hold and keep nothing; the events of a refused rule are reported.
            if (rule != null && rule.refusal() != null) {
                reportBuffered(rule, ctx);
            }
            // Events waiting for a version this instance has not received stay waiting.
            clearAllBut(true);
            return;
        }
        NFAState state = nfaState.value();
        if (state == null || version.value() == null || version.value() != rule.version()) {
            // A new version starts from nothing: partial matches of the old one are dropped,
            // buffered events (already sent to this version) stay.
            dropPartialMatches(state);
            state = rule.nfa().createInitialNFAState();
            version.update(rule.version());
        }
        long watermark = ctx.timerService().currentWatermark();
        PriorityQueue<Long> times = new PriorityQueue<>();
        for (Long t : buffer.keys()) {
            times.add(t);
        }
        while (!times.isEmpty() && times.peek() <= watermark) {
            long t = times.poll();
            advance(rule, state, t, app, key, ctx, out);
            for (String event : buffer.get(t)) {
                try (SharedBufferAccessor<String> accessor = sharedBuffer.getAccessor()) {
                    Collection<Map<String, List<String>>> found =
                            rule.nfa()
                                    .process(
                                            accessor,
                                            state,
                                            event,
                                            t,
                                            AfterMatchSkipStrategy.skipPastLastEvent(),
                                            ctx.timerService()::currentProcessingTime);
                    Throwable failed = SequencePattern.StepCondition.takeFailure();
                    if (failed != null) {
                        runtime.failed(
                                rule.rule(),
                                eventId(event),
                                bytes(event),
                                null,
                                failed,
                                ctx::output);
                    }
                    if (state.isNewStartPartialMatch()) {
                        // The window of a new partial match closes here: absences fire then.
                        ctx.timerService()
                                .registerEventTimeTimer(t + rule.sequence().withinMillis());
                    }
                    emit(rule, found, app, key, t, ctx, out);
                }
            }
            buffer.remove(t);
        }
        advance(rule, state, watermark, app, key, ctx, out);
        expireSeen(watermark);
        if (!inProgress(state) && buffer.isEmpty()) {
            // Nothing pending for this key: no partial match to keep (the ids seen stay until
            // their window has passed).
            dropPartialMatches(state);
        } else {
            nfaState.update(state);
        }
    }

    /** Events waiting for their rule: in once it is here, dead letters once the wait is over. */
    private void retryPending(ReadOnlyBroadcastState<String, String> rules, OnTimerContext ctx)
            throws Exception {
        Long since = pendingSince.value();
        if (since == null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        boolean overdue = now - since >= limits.startupWait().toMillis();
        List<SequenceInput> still = new ArrayList<>();
        for (SequenceInput in : pending.get()) {
            Running rule = running(rules, in.rule, ctx::output);
            if (rule != null && rule.version() >= in.version) {
                accept(
                        in,
                        rule,
                        ctx.timerService().currentWatermark(),
                        ctx.timerService(),
                        ctx::output);
            } else if (overdue) {
                withoutRule.inc();
                runtime.deadLetters()
                        .send(
                                ctx::output,
                                DeadLetter.ofRule(
                                        RuleRuntime.JOB,
                                        "rule "
                                                + in.rule
                                                + " v"
                                                + in.version
                                                + " did not reach the sequence matcher within "
                                                + limits.startupWait()
                                                + "; event "
                                                + in.eventId
                                                + " was not matched",
                                        in.rule,
                                        in.version,
                                        in.eventId,
                                        bytes(in.event)));
            } else {
                still.add(in);
            }
        }
        pending.update(still);
        if (still.isEmpty()) {
            pendingSince.clear();
        } else {
            ctx.timerService().registerProcessingTimeTimer(now + PENDING_RETRY_MILLIS);
        }
    }

    /** Forgets the ids whose window has passed. */
    private void expireSeen(long watermark) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, List<String>> e : seenExpiry.entries()) {
            if (e.getKey() <= watermark) {
                expired.add(e.getKey());
                for (String id : e.getValue()) {
                    seen.remove(id);
                }
            }
        }
        for (Long bucket : expired) {
            seenExpiry.remove(bucket);
        }
    }

    /** Whether any match has begun: the NFA always keeps its start state, which holds nothing. */
    private static boolean inProgress(NFAState state) {
        if (!state.getCompletedMatches().isEmpty()) {
            return true;
        }
        for (ComputationState cs : state.getPartialMatches()) {
            if (cs.getPreviousBufferEntry() != null || cs.getStartEventID() != null) {
                return true;
            }
        }
        return false;
    }

    /** Closes windows up to the time: pruning, and absences that held until their window ended. */
    private void advance(
            Running rule,
            NFAState state,
            long time,
            String app,
            String key,
            OnTimerContext ctx,
            Collector<RuleMatch> out)
            throws Exception {
        try (SharedBufferAccessor<String> accessor = sharedBuffer.getAccessor()) {
            Tuple2<
                            Collection<Map<String, List<String>>>,
                            Collection<Tuple2<Map<String, List<String>>, Long>>>
                    result =
                            rule.nfa()
                                    .advanceTime(
                                            accessor,
                                            state,
                                            time,
                                            AfterMatchSkipStrategy.skipPastLastEvent());
            emit(rule, result.f0, app, key, time, ctx, out);
            // Per-timestamp event counters below the watermark are no longer needed.
            accessor.advanceTime(time);
        }
    }

    /** The matches found, each rendered under the rule's guard. */
    private void emit(
            Running rule,
            Collection<Map<String, List<String>>> found,
            String app,
            String key,
            long time,
            OnTimerContext ctx,
            Collector<RuleMatch> out) {
        for (Map<String, List<String>> match : found) {
            String last = null;
            RuleMatch m;
            try {
                List<JsonNode> events = new ArrayList<>();
                Map<String, JsonNode> byStep = new LinkedHashMap<>();
                for (int i = 0; i < rule.sequence().steps().size(); i++) {
                    List<String> stepEvents =
                            match.getOrDefault(SequencePattern.step(i), List.of());
                    JsonNode lastOfStep = null;
                    for (String e : stepEvents) {
                        last = e;
                        lastOfStep = EventJson.mapper().readTree(e);
                        events.add(lastOfStep);
                    }
                    String alias = rule.sequence().steps().get(i).alias();
                    if (alias != null && lastOfStep != null) {
                        byStep.put(alias, lastOfStep);
                    }
                }
                if (events.isEmpty()) {
                    continue;
                }
                m =
                        rule.rule()
                                .compiled
                                .match(key, app, events, byStep, MatchTime.of(rule, events, time));
            } catch (Exception | StackOverflowError e) {
                runtime.failed(rule.rule(), eventId(last), bytes(last), null, e, ctx::output);
                continue;
            }
            // Emitting is the job's work, not the rule's: outside the guard.
            matches.inc();
            out.collect(m);
        }
    }

    /** A sequence matched at its last event; an absence when its window closed. */
    static final class MatchTime {
        private MatchTime() {}

        static long of(Running rule, List<JsonNode> events, long fallback) {
            return rule.sequence().absent() != null
                    ? time(events.get(0), fallback) + rule.sequence().withinMillis()
                    : time(events.get(events.size() - 1), fallback);
        }

        private static long time(JsonNode event, long fallback) {
            try {
                return EventTime.of(event.path(EventFields.TIMESTAMP).asText(null));
            } catch (IllegalArgumentException e) {
                return fallback;
            }
        }
    }

    /** The events still buffered for a rule that cannot run: each a dead letter. */
    private void reportBuffered(Running rule, OnTimerContext ctx) throws Exception {
        for (List<String> events : buffer.values()) {
            for (String event : events) {
                cannotRun(rule, eventId(event), event, ctx::output);
            }
        }
    }

    /** An event for a rule version this job refuses: not matched, a dead letter saying why. */
    private void cannotRun(Running rule, String eventId, String event, SideOutputs side) {
        runtime.deadLetters()
                .send(
                        side::output,
                        DeadLetter.ofRule(
                                RuleRuntime.JOB,
                                "rule "
                                        + rule.name()
                                        + " v"
                                        + rule.version()
                                        + " cannot run: "
                                        + rule.refusal(),
                                rule.name(),
                                rule.version(),
                                eventId,
                                bytes(event)));
    }

    /**
     * A key from a savepoint of the version that keyed sequences by (rule, key) alone: its partial
     * matches may mix apps, and no new event reaches that key any more, so its state is dropped at
     * its first timer (the window's end at the latest) and counted.
     */
    private void dropLegacy() throws Exception {
        if (nfaState.value() != null || !buffer.isEmpty() || legacyApp.value() != null) {
            legacyDropped.inc();
        }
        clearAll();
    }

    /** Releases the key's partial matches from the shared buffer and clears all its state. */
    private void clearAll() throws Exception {
        clearAllBut(false);
    }

    private void clearAllBut(boolean keepPending) throws Exception {
        dropPartialMatches(nfaState.value());
        buffer.clear();
        legacyApp.clear();
        seen.clear();
        seenExpiry.clear();
        if (!keepPending) {
            pending.clear();
            pendingSince.clear();
        }
    }

    private void dropPartialMatches(NFAState state) throws Exception {
        if (state != null) {
            try (SharedBufferAccessor<String> accessor = sharedBuffer.getAccessor()) {
                for (Iterable<ComputationState> states :
                        List.of(state.getPartialMatches(), state.getCompletedMatches())) {
                    for (ComputationState cs : states) {
                        if (cs.getPreviousBufferEntry() != null) {
                            accessor.releaseNode(cs.getPreviousBufferEntry(), cs.getVersion());
                        }
                    }
                }
            }
        }
        nfaState.clear();
        version.clear();
    }

    @Override
    public void processBroadcastElement(RuleUpdate update, Context ctx, Collector<RuleMatch> out)
            throws Exception {
        // The evaluator validates and reports; here the state follows what it accepts.
        var state = ctx.getBroadcastState(RuleEvaluator.RULES);
        running.remove(update.name);
        if (update.value == null) {
            state.remove(update.name);
            runtime.remove(update.name);
            return;
        }
        String json = new String(update.value, StandardCharsets.UTF_8);
        try {
            CompiledRule rule = RuleCompiler.compile(json);
            if (rule.isSequence() && rule.name().equals(update.name)) {
                state.put(update.name, json);
            } else {
                state.remove(update.name);
            }
        } catch (RuleCompiler.Refused refused) {
            // Refused by the evaluator too, which reports it; the version that ran keeps running.
        }
    }

    /**
     * The running form of a sequence rule, compiled (once per TaskManager, {@link RuleCompiler}) on
     * first use after a deploy or restore; a version this job refuses runs as a refusal.
     */
    private Running running(
            ReadOnlyBroadcastState<String, String> state, String name, SideOutputs side)
            throws Exception {
        Running r = running.get(name);
        if (r != null) {
            return r;
        }
        String json = state.get(name);
        if (json == null) {
            return null;
        }
        try {
            CompiledRule rule = RuleCompiler.compile(json);
            NFA<String> nfa =
                    NFACompiler.compileFactory(SequencePattern.compile(rule), false).createNFA();
            nfa.open(getRuntimeContext(), new org.apache.flink.configuration.Configuration());
            r = new Running(name, rule.version(), runtime.activate(rule), nfa, null);
        } catch (RuleCompiler.Refused e) {
            runtime.refused(name, e.version, e.getMessage(), side);
            r = new Running(name, e.version, null, null, e.getMessage());
        }
        running.put(name, r);
        return r;
    }

    private static String eventId(String event) {
        if (event == null) {
            return null;
        }
        try {
            return SequencePattern.ParsedEvent.of(event).path(EventFields.EVENT_ID).asText(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] bytes(String event) {
        return event == null ? new byte[0] : event.getBytes(StandardCharsets.UTF_8);
    }
}
