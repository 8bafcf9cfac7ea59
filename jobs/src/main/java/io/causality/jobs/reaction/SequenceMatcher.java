package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.Rule;
import io.causality.rules.json.RuleJson;
import io.causality.schemas.EventJson;
import io.causality.schemas.Timestamps;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Matches sequence rules per (rule, key), with the NFA that flink-cep compiles from the rule:
 * flink-cep fixes its patterns when a job is built, so this operator does what its operator does
 * (buffer events until the watermark, feed them to the NFA in event-time order, advance time so
 * that windows close and absences fire), but takes the pattern from the broadcast rules, one NFA
 * per rule and version.
 *
 * <p>State per key: the NFA's partial matches ({@link NFAState}), its shared buffer of events, the
 * events waiting for the watermark, and the rule version they belong to. A new version drops the
 * partial matches of the old one; a deleted rule's state is cleared at the key's next timer (the
 * window's end at the latest); a key with no partial match and nothing buffered keeps no state at
 * all.
 */
public final class SequenceMatcher
        extends KeyedBroadcastProcessFunction<String, SequenceInput, RuleUpdate, RuleMatch> {
    private static final long serialVersionUID = 1L;

    public static final String MATCHES_METRIC = "sequenceMatches";
    public static final String LATE_METRIC = "lateSequenceEvents";

    static final ValueStateDescriptor<Integer> VERSION =
            new ValueStateDescriptor<>("sequence-version", Types.INT);
    static final ValueStateDescriptor<NFAState> NFA_STATE =
            new ValueStateDescriptor<>("sequence-nfa", new NFAStateSerializer());
    static final MapStateDescriptor<Long, List<String>> BUFFER =
            new MapStateDescriptor<>("sequence-buffer", Types.LONG, Types.LIST(Types.STRING));
    static final ValueStateDescriptor<String> APP =
            new ValueStateDescriptor<>("sequence-app", Types.STRING);

    private transient ValueState<Integer> version;
    private transient ValueState<NFAState> nfaState;
    private transient MapState<Long, List<String>> buffer;
    private transient ValueState<String> app;
    private transient SharedBuffer<String> sharedBuffer;
    private transient Map<String, Running> running;
    private transient Counter matches;
    private transient Counter late;

    /** A sequence rule with its NFA, for one version. */
    private record Running(CompiledRule rule, Rule.Sequence sequence, NFA<String> nfa) {}

    @Override
    public void open(OpenContext context) throws Exception {
        version = getRuntimeContext().getState(VERSION);
        nfaState = getRuntimeContext().getState(NFA_STATE);
        buffer = getRuntimeContext().getMapState(BUFFER);
        app = getRuntimeContext().getState(APP);
        sharedBuffer =
                new SharedBuffer<>(
                        new RuntimeStateStore(getRuntimeContext()), StringSerializer.INSTANCE);
        running = new HashMap<>();
        matches = getRuntimeContext().getMetricGroup().counter(MATCHES_METRIC);
        late = getRuntimeContext().getMetricGroup().counter(LATE_METRIC);
    }

    @Override
    public void processElement(SequenceInput in, ReadOnlyContext ctx, Collector<RuleMatch> out)
            throws Exception {
        if (in.time <= ctx.timerService().currentWatermark()) {
            // Its window may have closed already; the NFA takes events in event-time order only.
            late.inc();
            return;
        }
        if (running(ctx.getBroadcastState(RuleEvaluator.RULES), in.rule) == null) {
            return; // deleted meanwhile
        }
        List<String> at = buffer.get(in.time);
        at = at == null ? new ArrayList<>() : new ArrayList<>(at);
        at.add(in.event);
        buffer.put(in.time, at);
        app.update(in.appId);
        ctx.timerService().registerEventTimeTimer(in.time);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RuleMatch> out)
            throws Exception {
        String[] ruleAndKey = ctx.getCurrentKey().split("\u0000", 2);
        Running rule = running(ctx.getBroadcastState(RuleEvaluator.RULES), ruleAndKey[0]);
        if (rule == null) {
            // The rule was deleted: release what its partial matches hold, keep nothing.
            clear(nfaState.value());
            return;
        }
        NFAState state = nfaState.value();
        if (state == null || version.value() == null || version.value() != rule.rule().version()) {
            // A new version starts from nothing: partial matches of the old one are dropped,
            // buffered events (already sent to this version) stay.
            dropPartialMatches(state);
            state = rule.nfa().createInitialNFAState();
            version.update(rule.rule().version());
        }
        long watermark = ctx.timerService().currentWatermark();
        PriorityQueue<Long> times = new PriorityQueue<>();
        for (Long t : buffer.keys()) {
            times.add(t);
        }
        while (!times.isEmpty() && times.peek() <= watermark) {
            long t = times.poll();
            advance(rule, state, t, ruleAndKey[1], out);
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
                    if (state.isNewStartPartialMatch()) {
                        // The window of a new partial match closes here: absences fire then.
                        ctx.timerService()
                                .registerEventTimeTimer(t + rule.sequence().withinMillis());
                    }
                    emit(rule, found, ruleAndKey[1], t, out);
                }
            }
            buffer.remove(t);
        }
        advance(rule, state, watermark, ruleAndKey[1], out);
        if (!inProgress(state) && buffer.isEmpty()) {
            // Nothing pending for this key: keep no state for it.
            clear(state);
        } else {
            nfaState.update(state);
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
            Running rule, NFAState state, long time, String key, Collector<RuleMatch> out)
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
            emit(rule, result.f0, key, time, out);
            // Per-timestamp event counters below the watermark are no longer needed.
            accessor.advanceTime(time);
        }
    }

    private void emit(
            Running rule,
            Collection<Map<String, List<String>>> found,
            String key,
            long time,
            Collector<RuleMatch> out)
            throws Exception {
        for (Map<String, List<String>> match : found) {
            List<JsonNode> events = new ArrayList<>();
            Map<String, JsonNode> byStep = new LinkedHashMap<>();
            for (int i = 0; i < rule.sequence().steps().size(); i++) {
                List<String> stepEvents = match.getOrDefault(SequencePattern.step(i), List.of());
                JsonNode last = null;
                for (String e : stepEvents) {
                    last = EventJson.mapper().readTree(e);
                    events.add(last);
                }
                String alias = rule.sequence().steps().get(i).alias();
                if (alias != null && last != null) {
                    byStep.put(alias, last);
                }
            }
            if (events.isEmpty()) {
                continue;
            }
            // An absence is known when the window closes: the first event's time plus the window.
            long at =
                    rule.sequence().absent() != null
                            ? eventTime(events.get(0), time) + rule.sequence().withinMillis()
                            : eventTime(events.get(events.size() - 1), time);
            matches.inc();
            out.collect(rule.rule().match(key, app.value(), events, byStep, at));
        }
    }

    /** Releases the key's partial matches from the shared buffer and clears all its state. */
    private void clear(NFAState state) throws Exception {
        dropPartialMatches(state);
        buffer.clear();
        app.clear();
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
            return;
        }
        String json = new String(update.value, java.nio.charset.StandardCharsets.UTF_8);
        try {
            CompiledRule rule = RuleEvaluator.compile(json);
            if (rule.isSequence() && rule.name().equals(update.name)) {
                state.put(update.name, json);
            }
        } catch (Exception refused) {
            // Refused by the evaluator too, which sends it to the dead-letter topic.
        }
    }

    /** The running form of a sequence rule, compiled on first use after a deploy or restore. */
    private Running running(ReadOnlyBroadcastState<String, String> state, String name)
            throws Exception {
        Running r = running.get(name);
        String json = state.get(name);
        if (json == null) {
            running.remove(name);
            return null;
        }
        if (r == null) {
            CompiledRule rule = RuleEvaluator.compile(json);
            Rule.Sequence sequence = (Rule.Sequence) rule.rule.trigger();
            Pattern<String, String> pattern =
                    SequencePattern.compile(sequence, RuleJson.toJson(rule.rule).toString());
            NFA<String> nfa = NFACompiler.compileFactory(pattern, false).createNFA();
            nfa.open(getRuntimeContext(), new org.apache.flink.configuration.Configuration());
            r = new Running(rule, sequence, nfa);
            running.put(name, r);
        }
        return r;
    }

    private static long eventTime(JsonNode event, long fallback) {
        JsonNode t = event.get("timestamp");
        if (t != null && t.isTextual()) {
            try {
                return Timestamps.parse(t.asText()).toEpochMilli();
            } catch (RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
