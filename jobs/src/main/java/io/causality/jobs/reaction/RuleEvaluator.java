package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.RawRecord;
import io.causality.rules.eval.RuleEvaluationException;
import io.causality.rules.json.DeployedRule;
import io.causality.schemas.EventJson;
import io.causality.schemas.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates per-event rules: events on one side, rule updates broadcast on the other. The rules
 * live in broadcast state as their deployed JSON (so a savepoint holds them) and in an index of
 * compiled rules on each instance, rebuilt from that state after a restore. A rule deployed,
 * changed or deleted takes effect with the next event after its record arrives.
 *
 * <p>Nothing stops the job: an event it cannot read, a rule record it refuses, and an evaluation
 * error each go to the dead-letter output with the reason (and the rule and event), counted.
 */
public final class RuleEvaluator
        extends BroadcastProcessFunction<RawRecord, RuleUpdate, RuleMatch> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);

    public static final String JOB = "reaction";

    /** Deployed rules by name, as the JSON the rules topic carried. */
    public static final MapStateDescriptor<String, String> RULES =
            new MapStateDescriptor<>(
                    "rules", BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.STRING_TYPE_INFO);

    /** Events for sequence rules, one per rule, with the rule's key value: to the matcher. */
    public static final OutputTag<SequenceInput> SEQUENCE_EVENTS =
            new OutputTag<>("sequence-events", TypeInformation.of(SequenceInput.class));

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    public static final String MATCHES_METRIC = "ruleMatches";
    public static final String EVALUATION_ERRORS_METRIC = "evaluationErrors";
    public static final String DEAD_LETTERS_METRIC = "deadLetters";
    public static final String REFUSED_RULES_METRIC = "rulesRefused";
    public static final String ACTIVE_RULES_METRIC = "rulesActive";
    public static final String WITHOUT_KEY_METRIC = "sequenceEventsWithoutKey";

    private transient RuleIndex index;
    private transient Counter matches;
    private transient Counter evaluationErrors;
    private transient Counter deadLetters;
    private transient Counter refused;
    private transient Counter withoutKey;

    @Override
    public void open(OpenContext context) {
        var group = getRuntimeContext().getMetricGroup();
        matches = group.counter(MATCHES_METRIC);
        evaluationErrors = group.counter(EVALUATION_ERRORS_METRIC);
        deadLetters = group.counter(DEAD_LETTERS_METRIC);
        refused = group.counter(REFUSED_RULES_METRIC);
        withoutKey = group.counter(WITHOUT_KEY_METRIC);
        group.gauge(ACTIVE_RULES_METRIC, () -> index == null ? 0 : index.size());
    }

    @Override
    public void processElement(RawRecord raw, ReadOnlyContext ctx, Collector<RuleMatch> out)
            throws Exception {
        RuleIndex rules = index(ctx.getBroadcastState(RULES));
        JsonNode event;
        try {
            event = EventJson.readTree(raw.value);
        } catch (Exception e) {
            deadLetter(ctx, raw, "not JSON: " + e.getClass().getSimpleName());
            return;
        }
        String app = text(event, "app_id");
        String type = text(event, "type");
        String id = text(event, "event_id");
        if (app == null || type == null || id == null) {
            deadLetter(ctx, raw, "not an event: app_id, type and event_id must be strings");
            return;
        }
        List<CompiledRule> candidates = rules.candidates(app, type, text(event, "name"));
        String eventText = null; // for sequence rules: made once, however many need it
        for (CompiledRule rule : candidates) {
            if (rule.isSequence()) {
                // Matched per (rule, key) downstream; an event without the key cannot take part.
                JsonNode key = rule.keyPath.one(event);
                if (key.isValueNode() && !key.isNull()) {
                    if (eventText == null) {
                        eventText = new String(raw.value, StandardCharsets.UTF_8);
                    }
                    ctx.output(
                            SEQUENCE_EVENTS,
                            new SequenceInput(
                                    rule.name(),
                                    rule.version(),
                                    key.asText(),
                                    app,
                                    eventText,
                                    eventTime(event, ctx)));
                } else {
                    withoutKey.inc();
                }
                continue;
            }
            boolean hit;
            try {
                hit = rule.condition.test(event);
            } catch (RuleEvaluationException e) {
                evaluationErrors.inc();
                deadLetter(
                        ctx,
                        raw,
                        "rule "
                                + rule.name()
                                + " v"
                                + rule.version()
                                + " on event "
                                + id
                                + ": "
                                + e.getMessage());
                continue;
            }
            if (hit) {
                matches.inc();
                out.collect(rule.match(null, app, List.of(event), Map.of(), eventTime(event, ctx)));
            }
        }
    }

    @Override
    public void processBroadcastElement(RuleUpdate update, Context ctx, Collector<RuleMatch> out)
            throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(RULES);
        RuleIndex rules = index(state);
        if (update.value == null) {
            state.remove(update.name);
            if (rules.remove(update.name) != null) {
                LOG.info("rule {} deleted", update.name);
            }
            return;
        }
        String json = new String(update.value, StandardCharsets.UTF_8);
        CompiledRule compiled;
        try {
            compiled = compile(json);
            if (!compiled.name().equals(update.name)) {
                throw new IllegalArgumentException(
                        "the record's key is '"
                                + update.name
                                + "' but the rule is named '"
                                + compiled.name()
                                + "'");
            }
        } catch (Exception e) {
            // Keep what ran before: a bad record must not switch a working rule off.
            refused.inc();
            LOG.warn(
                    "rule record {} at offset {} refused: {}",
                    update.name,
                    update.offset,
                    e.getMessage());
            ctx.output(
                    DEAD_LETTERS,
                    new DeadLetter(
                            JOB,
                            "rule " + update.name + " refused: " + e.getMessage(),
                            new RawRecord(
                                    "causality.rules",
                                    update.partition,
                                    update.offset,
                                    update.value)));
            deadLetters.inc();
            return;
        }
        state.put(update.name, json);
        rules.put(compiled);
        LOG.info("rule {} v{} active", compiled.name(), compiled.version());
    }

    /** The compiled rules; after a restore, rebuilt from the broadcast state. */
    private RuleIndex index(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (index == null) {
            index = new RuleIndex();
            for (Map.Entry<String, String> e : state.immutableEntries()) {
                try {
                    index.put(compile(e.getValue()));
                } catch (Exception ex) {
                    // It was accepted once; a newer validator may refuse it. Say so, run the rest.
                    refused.inc();
                    LOG.warn("restored rule {} no longer valid: {}", e.getKey(), ex.getMessage());
                }
            }
        }
        return index;
    }

    static CompiledRule compile(String json) throws Exception {
        return CompiledRule.of(DeployedRule.fromJson(EventJson.mapper().readTree(json)));
    }

    private void deadLetter(ReadOnlyContext ctx, RawRecord raw, String reason) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(JOB, reason, raw));
    }

    private static long eventTime(JsonNode event, ReadOnlyContext ctx) {
        for (String field : new String[] {"timestamp", "received_at"}) {
            String t = text(event, field);
            if (t != null) {
                try {
                    return Timestamps.parse(t).toEpochMilli();
                } catch (RuntimeException e) {
                    // try the next field
                }
            }
        }
        Long ts = ctx.timestamp();
        return ts != null ? ts : 0L;
    }

    private static String text(JsonNode event, String field) {
        JsonNode v = event.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
