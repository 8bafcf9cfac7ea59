package io.causality.jobs.anomaly;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.jobs.common.CompiledPattern;
import io.causality.jobs.common.StableIds;
import io.causality.rules.Action;
import io.causality.rules.Detector;
import io.causality.rules.PayloadValue;
import io.causality.rules.Rule;
import io.causality.rules.eval.EventPath;
import io.causality.rules.eval.Payloads;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.json.RuleJson;
import io.causality.rules.validate.RuleValidator;
import io.causality.schemas.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A deployed detector version made ready to run: validated again, its patterns, group paths, value
 * path and payloads compiled. Immutable; one instance per version serves every key.
 */
final class CompiledDetector {
    private static final RuleValidator VALIDATOR = new RuleValidator();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** What an event adds to a detector's slide. */
    enum Contribution {
        /** counted ({@code count}; the numerator of a ratio) */
        COUNT,
        /** the denominator of a ratio only */
        DENOMINATOR,
        /** both sides of a ratio */
        BOTH,
        /** a number ({@code sum}, {@code avg}, {@code min}, {@code max}) */
        VALUE,
        /** a value to count once ({@code distinct count}) */
        DISTINCT,
        /** nothing: not a number for an aggregate, no value for a distinct count */
        NONE
    }

    final Rule rule;
    final Detector detector;
    final int version;

    /** The group-by paths as one text: detectors with the same one put an event in one group. */
    final String groupedBy;

    /**
     * The kinds of event read and the group-by paths: detectors with the same one keep their slides
     * of a group in one state entry. Those of one kind of event only, so that an event reads and
     * writes the slides of the detectors it updates and not those of every other kind.
     */
    final String sharedBy;

    private final List<CompiledPattern> patterns = new ArrayList<>();
    private final List<EventPath> groupPaths = new ArrayList<>();
    private final EventPath valuePath;
    private final List<Payloads> payloads = new ArrayList<>();

    private CompiledDetector(DeployedRule deployed) {
        this.rule = deployed.rule();
        this.detector = (Detector) rule.trigger();
        this.version = deployed.version();
        // NUL is in no path or event name: two different lists never make the same text.
        this.groupedBy = String.join("\u0000", detector.groupBy());
        this.sharedBy = detector.selectors() + "\u0000" + groupedBy;
        for (var p : detector.measure().patterns()) {
            patterns.add(CompiledPattern.of(p));
        }
        detector.groupBy().forEach(g -> groupPaths.add(EventPath.shared(g)));
        if (detector.measure() instanceof Detector.Measure.Aggregate a) {
            valuePath = EventPath.shared(a.path());
        } else if (detector.measure() instanceof Detector.Measure.DistinctCount dc) {
            valuePath = EventPath.shared(dc.path());
        } else {
            valuePath = null;
        }
        for (Action a : rule.actions()) {
            payloads.add(new Payloads(a));
        }
    }

    /**
     * @throws IllegalArgumentException with every validation error, for a detector that must not
     *     run
     */
    static CompiledDetector of(DeployedRule deployed) {
        if (!deployed.rule().isDetector()) {
            throw new IllegalArgumentException("not a detector");
        }
        List<String> errors = VALIDATOR.errors(deployed.rule());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new CompiledDetector(deployed);
    }

    /** Reads a deployed record; null when it is a rule, not a detector. */
    static CompiledDetector parse(byte[] value)
            throws RuleJson.InvalidRuleJson, java.io.IOException {
        DeployedRule d = DeployedRule.fromJson(EventJson.mapper().readTree(value));
        return d.rule().isDetector() ? of(d) : null;
    }

    String name() {
        return rule.name();
    }

    boolean forApp(String app) {
        return rule.apps().isEmpty() || rule.apps().contains(app);
    }

    /** Whether the event is one the detector reads, and what it adds. */
    Contribution contribution(JsonNode event) {
        Detector.Measure m = detector.measure();
        if (m instanceof Detector.Measure.Ratio) {
            boolean num = patterns.get(0).test(event);
            boolean den = patterns.size() == 1 ? num : patterns.get(1).test(event);
            return num && den
                    ? Contribution.BOTH
                    : num ? Contribution.COUNT : den ? Contribution.DENOMINATOR : Contribution.NONE;
        }
        if (!patterns.get(0).test(event)) {
            return Contribution.NONE;
        }
        if (m instanceof Detector.Measure.Count) {
            return Contribution.COUNT;
        }
        JsonNode v = valuePath.one(event);
        if (m instanceof Detector.Measure.DistinctCount) {
            return v == null || v.isMissingNode() || v.isNull()
                    ? Contribution.NONE
                    : Contribution.DISTINCT;
        }
        return v != null && v.isNumber() && Double.isFinite(v.asDouble())
                ? Contribution.VALUE
                : Contribution.NONE;
    }

    /** The number an event adds to a {@code sum}, {@code avg}, {@code min} or {@code max}. */
    double value(JsonNode event) {
        return valuePath.one(event).asDouble();
    }

    /** A 64-bit hash of the value a {@code distinct count} counts. */
    long distinctHash(JsonNode event) {
        String text = jsonText(valuePath.one(event), new StringBuilder(24)).toString();
        long h = 0xcbf29ce484222325L; // FNV-1a, then a murmur finaliser to spread the bits
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The group of an event: the values of the group-by paths, as a JSON array text. */
    String group(JsonNode event) {
        if (groupPaths.isEmpty()) {
            return "[]";
        }
        StringBuilder b = new StringBuilder(32).append('[');
        for (int i = 0; i < groupPaths.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            jsonText(groupPaths.get(i).one(event), b);
        }
        return b.append(']').toString();
    }

    /**
     * Appends a value as JSON text (a missing one as {@code null}), as Jackson writes it but
     * without a generator per value: this runs for every event and detector.
     */
    static StringBuilder jsonText(JsonNode v, StringBuilder b) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return b.append("null");
        }
        if (v.isTextual()) {
            b.append('"');
            JsonStringEncoder.getInstance().quoteAsString(v.textValue(), b);
            return b.append('"');
        }
        if (v.isNumber() || v.isBoolean()) {
            return b.append(v.asText());
        }
        return b.append(v.toString());
    }

    /** {@code @group}: the app and the group's values by path. */
    ObjectNode groupJson(String app, String group) {
        ObjectNode o = JSON.objectNode();
        o.put("app_id", app);
        try {
            JsonNode values = EventJson.mapper().readTree(group);
            for (int i = 0; i < groupPaths.size() && i < values.size(); i++) {
                o.set(detector.groupBy().get(i), values.get(i));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a group is always a JSON array", e);
        }
        return o;
    }

    /**
     * The record of a state change, with the actions it causes rendered (firing and resolved only).
     * The anomaly id is the same for a firing and its resolve, and the same after a replay.
     */
    AnomalyRecord record(
            String app,
            String group,
            long windowEnd,
            double value,
            AlertCheck.Verdict verdict,
            FlapState.State from,
            FlapState.State to,
            long firedAt,
            String reason) {
        AnomalyRecord r = new AnomalyRecord();
        r.detector = name();
        r.version = version;
        r.appId = app;
        r.anomalyId = StableIds.of(name() + "\n" + app + "\n" + group + "\n" + firedAt);
        ObjectNode groupJson = groupJson(app, group);
        ObjectNode o = JSON.objectNode();
        o.put("anomaly_id", r.anomalyId);
        o.put("detector", name());
        o.put("version", version);
        o.put("app_id", app);
        o.set("group", groupJson);
        String start = Instant.ofEpochMilli(windowEnd - detector.windowMillis()).toString();
        String end = Instant.ofEpochMilli(windowEnd).toString();
        o.put("window_start", start);
        o.put("window_end", end);
        o.set("value", number(value));
        o.set("baseline", number(verdict.baseline()));
        o.set("severity", number(verdict.severity()));
        o.put("state", to.word());
        o.put("previous_state", from.word());
        if (reason != null) {
            o.put("reason", reason);
        }
        r.json = o.toString();
        if (to == FlapState.State.FIRING || to == FlapState.State.RESOLVED) {
            Map<PayloadValue.Fact, JsonNode> facts = new EnumMap<>(PayloadValue.Fact.class);
            facts.put(PayloadValue.Fact.VALUE, number(value));
            facts.put(PayloadValue.Fact.BASELINE, number(verdict.baseline()));
            facts.put(PayloadValue.Fact.SEVERITY, number(verdict.severity()));
            facts.put(PayloadValue.Fact.STATE, JSON.textNode(to.word()));
            facts.put(PayloadValue.Fact.GROUP, groupJson);
            facts.put(PayloadValue.Fact.WINDOW_START, JSON.textNode(start));
            facts.put(PayloadValue.Fact.WINDOW_END, JSON.textNode(end));
            Payloads.Match m =
                    new Payloads.Match(
                            name(), version, null, windowEnd, List.of(), Map.of(), null, facts);
            r.actions = new String[rule.actions().size()];
            for (int i = 0; i < r.actions.length; i++) {
                Action a = rule.actions().get(i);
                ObjectNode out = JSON.objectNode();
                out.put("action_id", StableIds.of(r.anomalyId + "\n" + to.word() + "\n" + i));
                out.put("match_id", r.anomalyId);
                out.put("kind", a.kind() == Action.Kind.WEBHOOK ? "webhook" : "emit");
                out.put("target", a.target());
                out.put("rule", name());
                out.put("version", version);
                out.put("app_id", app);
                out.put("webhook_type", "anomaly." + to.word());
                out.putArray("event_ids");
                out.put("time", end);
                out.set("payload", payloads.get(i).render(m));
                r.actions[i] = out.toString();
            }
        } else {
            r.actions = new String[0];
        }
        return r;
    }

    private static JsonNode number(double v) {
        return Double.isFinite(v) ? JSON.numberNode(v) : JSON.nullNode();
    }
}
