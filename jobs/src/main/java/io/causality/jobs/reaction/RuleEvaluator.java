package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.MetricNames;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleIndex;
import io.causality.jobs.common.RuleUpdate;
import io.causality.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates per-event rules: events on one side, rule updates broadcast on the other. The rules
 * live in broadcast state as their deployed JSON (so a savepoint holds them) and in an index of
 * compiled rules on each instance, rebuilt from that state after a restore. A rule deployed,
 * changed or deleted takes effect with the next event after its record arrives; at start, events
 * wait until the rules the topic held then have been applied ({@link RulesAtStart}).
 *
 * <p>Nothing stops the job: an event it cannot read, a rule record it refuses, and a failed
 * evaluation each go to the dead-letter output with the reason (and the rule and event), counted; a
 * rule that keeps failing is suspended ({@link RuleRuntime}). Events for sequence rules go to the
 * sequence matcher with the value of the rule's key.
 */
public final class RuleEvaluator
        extends BroadcastProcessFunction<EventRecord, RuleUpdate, RuleMatch>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);
    public static final String UID = "evaluate-rules";

    /** Deployed rules by name, as the JSON the rules topic carried. */
    public static final MapStateDescriptor<String, String> RULES =
            new MapStateDescriptor<>(
                    "rules", BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.STRING_TYPE_INFO);

    /** Rules-topic partition → offset of the last record applied, to know when it is read. */
    public static final MapStateDescriptor<Integer, Long> RULES_READ =
            new MapStateDescriptor<>("rules-read", Types.INT, Types.LONG);

    /** Events waiting at start for the rules topic, in operator state across a checkpoint. */
    static final ListStateDescriptor<EventRecord> HELD =
            new ListStateDescriptor<>("held-events", TypeInformation.of(EventRecord.class));

    /** Rule versions suspended here; union state, so every instance learns them on a restore. */
    static final ListStateDescriptor<String> SUSPENDED =
            new ListStateDescriptor<>("suspended-rules", Types.STRING);

    /** Events for sequence rules, one per rule, with the rule's key value: to the matcher. */
    public static final OutputTag<SequenceInput> SEQUENCE_EVENTS =
            new OutputTag<>("sequence-events", TypeInformation.of(SequenceInput.class));

    private final RuleLimits limits;
    private final RulesTopicEnd rulesEnd;

    private transient RuleRuntime runtime;
    private transient RuleIndex<ActiveRule> index;
    private transient RulesAtStart atStart;
    private transient boolean restoredRules;
    private transient ListState<EventRecord> heldState;
    private transient ListState<String> suspendedState;
    private transient Iterable<String> restoredSuspensions;
    private transient Iterable<EventRecord> restoredHeld;
    private transient LongSupplier clock;
    private transient Counter matches;
    private transient Counter withoutKey;
    private transient Counter beforeRules;

    /**
     * @param rulesEnd where the rules topic ends at start: events wait until it is applied
     */
    public RuleEvaluator(RuleLimits limits, RulesTopicEnd rulesEnd) {
        this.limits = limits;
        this.rulesEnd = rulesEnd;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        heldState = context.getOperatorStateStore().getListState(HELD);
        suspendedState = context.getOperatorStateStore().getUnionListState(SUSPENDED);
        restoredHeld = heldState.get();
        restoredSuspensions = suspendedState.get();
    }

    @Override
    public void open(OpenContext context) throws Exception {
        clock = System::currentTimeMillis;
        var group = getRuntimeContext().getMetricGroup();
        runtime = new RuleRuntime(UID, limits, group, clock);
        if (restoredSuspensions != null) {
            runtime.restore(restoredSuspensions);
        }
        matches = group.counter(MetricNames.RULE_MATCHES);
        withoutKey = group.counter(MetricNames.SEQUENCE_EVENTS_WITHOUT_KEY);
        beforeRules = group.counter(MetricNames.EVENTS_BEFORE_RULES);
        group.gauge(MetricNames.RULES_ACTIVE, () -> index == null ? 0 : index.size());
        atStart = new RulesAtStart(rulesEnd.lastRecordOffsets(), clock.getAsLong(), limits);
        if (restoredHeld != null) {
            atStart.restore(restoredHeld);
        }
        group.gauge(MetricNames.EVENTS_HELD_AT_START, () -> atStart.held());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        heldState.update(atStart.snapshot());
        suspendedState.update(runtime.snapshot());
    }

    @Override
    public void processElement(EventRecord event, ReadOnlyContext ctx, Collector<RuleMatch> out)
            throws Exception {
        index(ctx.getBroadcastState(RULES), ctx::output);
        if (atStart.waiting()) {
            if (atStart.caughtUp(ctx.getBroadcastState(RULES_READ), restoredRules)) {
                release(ctx::output, out);
            } else if (atStart.overdue(clock.getAsLong())) {
                LOG.warn(
                        "the rules topic was not read within {} or {} events; evaluating the {}"
                                + " events held so far without waiting any longer",
                        limits.startupWait(),
                        limits.heldAtMost(),
                        atStart.held());
                beforeRules.inc(atStart.held() + 1);
                release(ctx::output, out);
            } else {
                atStart.hold(event);
                return;
            }
        }
        evaluate(event, ctx::output, out);
    }

    /** Whether events are being held for the rules topic (the operator holds time back then). */
    boolean holding() {
        return atStart != null && atStart.waiting();
    }

    /**
     * The wait for the rules topic ran out with no event or rule record arriving to notice it: the
     * held events are evaluated now (called by {@link HoldingBroadcastOperator}'s timer).
     */
    void releaseOverdue(SideOutputs side, Collector<RuleMatch> out) {
        if (holding()) {
            LOG.warn(
                    "the rules topic was not read within {}; evaluating the {} events held so far",
                    limits.startupWait(),
                    atStart.held());
            beforeRules.inc(atStart.held());
            release(side, out);
        }
    }

    RuleLimits limits() {
        return limits;
    }

    private void release(SideOutputs side, Collector<RuleMatch> out) {
        for (EventRecord held : atStart.release()) {
            evaluate(held, side, out);
        }
    }

    /** Every candidate rule on the event, each guarded: one rule's failure is its own. */
    private void evaluate(EventRecord record, SideOutputs side, Collector<RuleMatch> out) {
        JsonNode event;
        try {
            event = EventJson.readTree(record.json);
        } catch (Exception e) {
            DeadLetter letter =
                    new DeadLetter(
                            RuleRuntime.JOB,
                            "not JSON: " + e.getClass().getSimpleName(),
                            record.raw());
            letter.eventId = record.id;
            runtime.deadLetters().send(side::output, letter);
            return;
        }
        String eventText = null; // for sequence rules: made once, however many need it
        for (ActiveRule rule : index.candidates(record.app, record.type, record.name)) {
            if (rule.suspended()) {
                continue;
            }
            CompiledRule compiled = rule.compiled;
            // Only the rule's own work is guarded: what the job does with the result (emit it)
            // fails the job as any output would, and is not the rule's error.
            SequenceInput forSequence = null;
            RuleMatch match = null;
            try {
                if (compiled.isSequence()) {
                    // Matched per (rule, app, key) downstream; without the key, no part in it.
                    JsonNode key = compiled.keyPath.one(event);
                    if (key.isValueNode() && !key.isNull()) {
                        if (eventText == null) {
                            eventText = new String(record.json, StandardCharsets.UTF_8);
                        }
                        forSequence =
                                new SequenceInput(
                                        rule.name(),
                                        rule.version(),
                                        key.asText(),
                                        record.app,
                                        record.id,
                                        eventText,
                                        record.time);
                    } else {
                        withoutKey.inc();
                    }
                } else if (compiled.condition.test(event)) {
                    match = compiled.match(null, record.app, List.of(event), Map.of(), record.time);
                }
            } catch (RuntimeException | StackOverflowError e) {
                runtime.failed(rule, record.id, record.json, record.raw(), e, side);
                continue;
            }
            if (forSequence != null) {
                side.output(SEQUENCE_EVENTS, forSequence);
            }
            if (match != null) {
                matches.inc();
                out.collect(match);
            }
        }
    }

    @Override
    public void processBroadcastElement(RuleUpdate update, Context ctx, Collector<RuleMatch> out)
            throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(RULES);
        index(state, ctx::output);
        apply(update, state, ctx);
        BroadcastState<Integer, Long> read = ctx.getBroadcastState(RULES_READ);
        Long before = read.get(update.partition);
        if (before == null || before < update.offset) {
            read.put(update.partition, update.offset);
        }
        if (atStart.waiting() && atStart.caughtUp(read, restoredRules)) {
            release(ctx::output, out);
        }
    }

    private void apply(RuleUpdate update, BroadcastState<String, String> state, Context ctx)
            throws Exception {
        if (update.value == null) {
            state.remove(update.name);
            if (index.remove(update.name) != null) {
                runtime.remove(update.name);
                LOG.info("rule {} deleted", update.name);
            }
            return;
        }
        String json = new String(update.value, StandardCharsets.UTF_8);
        CompiledRule compiled;
        try {
            compiled = RuleCompiler.compile(json);
            if (!compiled.name().equals(update.name)) {
                throw new RuleCompiler.Refused(
                        "the record's key is '"
                                + update.name
                                + "' but the rule is named '"
                                + compiled.name()
                                + "'",
                        compiled.version());
            }
        } catch (RuleCompiler.Refused e) {
            // Keep what ran before: a bad record must not switch a working rule off.
            runtime.refused(update.name, e.version, e.getMessage(), ctx::output);
            runtime.deadLetters()
                    .send(
                            ctx::output,
                            new DeadLetter(
                                    RuleRuntime.JOB,
                                    "rule " + update.name + " refused: " + e.getMessage(),
                                    new RawRecord(
                                            update.topic,
                                            update.partition,
                                            update.offset,
                                            update.value)));
            return;
        }
        if (compiled.isDetector()) {
            // The anomaly job's; a rule of that name that ran here before is gone.
            state.remove(update.name);
            if (index.remove(update.name) != null) {
                runtime.remove(update.name);
                LOG.info("rule {} replaced by a detector of that name", update.name);
            }
            return;
        }
        state.put(update.name, json);
        index.put(runtime.activate(compiled));
        LOG.info("rule {} v{} active", compiled.name(), compiled.version());
    }

    /**
     * The compiled rules; after a restore, rebuilt from the broadcast state. A stored rule that
     * this version of the job refuses (a newer validator) does not run, and says so.
     */
    private void index(ReadOnlyBroadcastState<String, String> state, SideOutputs side)
            throws Exception {
        if (index != null) {
            return;
        }
        index = new RuleIndex<>(r -> r.compiled.rule);
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            restoredRules = true;
            try {
                index.put(runtime.activate(RuleCompiler.compile(e.getValue())));
            } catch (RuleCompiler.Refused ex) {
                runtime.refused(e.getKey(), ex.version, ex.getMessage(), side);
            }
        }
    }
}
