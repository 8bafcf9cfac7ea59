package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.jobs.common.CompiledPattern;
import io.causality.jobs.common.StableIds;
import io.causality.rules.Action;
import io.causality.rules.Rule;
import io.causality.rules.eval.CompiledCondition;
import io.causality.rules.eval.EventPath;
import io.causality.rules.eval.Payloads;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.validate.RuleValidator;
import io.causality.schemas.EventFields;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deployed rule version made ready to run, once for both operators of the job ({@link
 * RuleCompiler} shares it): validated again (the topic may hold a record no deploy checked, or one
 * an older validator accepted), its condition, key path, sequence steps and payloads compiled.
 * Immutable, so the operators of a TaskManager share one instance.
 */
final class CompiledRule {
    private static final RuleValidator VALIDATOR = new RuleValidator();

    final DeployedRule deployed;
    final Rule rule;

    /** The condition of a per-event rule; null for a sequence. */
    final CompiledCondition condition;

    /** The key of a sequence; null for a per-event rule. */
    final EventPath keyPath;

    /** The steps of a sequence in order, then the absence if it has one; empty otherwise. */
    final List<CompiledPattern> steps;

    private final List<Payloads> payloads = new ArrayList<>();

    private CompiledRule(DeployedRule deployed) {
        this.deployed = deployed;
        this.rule = deployed.rule();
        if (rule.trigger() instanceof Rule.Match m) {
            this.condition =
                    m.event().where() == null
                            ? CompiledCondition.always()
                            : CompiledCondition.compile(m.event().where());
            this.keyPath = null;
            this.steps = List.of();
        } else if (rule.isDetector()) {
            // Run by the anomaly job; this job only needs to know that it is not its own.
            this.condition = null;
            this.keyPath = null;
            this.steps = List.of();
            return;
        } else {
            Rule.Sequence s = (Rule.Sequence) rule.trigger();
            this.condition = null;
            this.keyPath = new EventPath(s.keyPath());
            List<CompiledPattern> compiled = new ArrayList<>();
            s.steps().forEach(step -> compiled.add(CompiledPattern.of(step.event())));
            if (s.absent() != null) {
                compiled.add(CompiledPattern.of(s.absent()));
            }
            this.steps = List.copyOf(compiled);
        }
        for (Action a : rule.actions()) {
            payloads.add(new Payloads(a));
        }
    }

    /**
     * @throws IllegalArgumentException with every validation error, for a rule that must not run
     */
    static CompiledRule of(DeployedRule deployed) {
        List<String> errors = VALIDATOR.errors(deployed.rule());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new CompiledRule(deployed);
    }

    String name() {
        return rule.name();
    }

    int version() {
        return deployed.version();
    }

    boolean isSequence() {
        return rule.trigger() instanceof Rule.Sequence;
    }

    /** A detector, deployed on the same topic as rules and run by the anomaly job. */
    boolean isDetector() {
        return rule.isDetector();
    }

    Rule.Sequence sequence() {
        return (Rule.Sequence) rule.trigger();
    }

    /** The step of a sequence by its index; {@code steps().size()} is the absence. */
    CompiledPattern step(int i) {
        return steps.get(i);
    }

    /**
     * The match record, actions rendered, for the given events (the last one completed it), at the
     * time {@link MatchTime} gives. Rendering reads the events with the payloads' paths; the caller
     * guards it like every other evaluation.
     */
    RuleMatch match(
            String key,
            String appId,
            List<JsonNode> events,
            Map<String, JsonNode> byStep,
            long time) {
        List<String> ids = new ArrayList<>();
        for (JsonNode e : events) {
            ids.add(e.path(EventFields.EVENT_ID).asText());
        }
        RuleMatch m = new RuleMatch();
        m.rule = name();
        m.version = version();
        m.key = key;
        m.appId = appId;
        m.eventIds = ids.toArray(String[]::new);
        m.time = time;
        m.matchId = StableIds.of(name() + "\n" + version() + "\n" + String.join(",", ids));
        Payloads.Match facts =
                new Payloads.Match(
                        name(), version(), key, time, ids, byStep, events.get(events.size() - 1));
        m.actions = new String[rule.actions().size()];
        for (int i = 0; i < m.actions.length; i++) {
            Action a = rule.actions().get(i);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("action_id", StableIds.of(m.matchId + "\n" + i));
            out.put("match_id", m.matchId);
            out.put("kind", a.kind() == Action.Kind.WEBHOOK ? "webhook" : "emit");
            out.put("target", a.target());
            out.put("rule", name());
            out.put("version", version());
            if (key != null) {
                out.put("key", key);
            }
            out.put("app_id", appId);
            out.set("event_ids", out.arrayNode().addAll(ids.stream().map(out::textNode).toList()));
            out.put("time", Instant.ofEpochMilli(time).toString());
            out.set("payload", payloads.get(i).render(facts));
            m.actions[i] = out.toString();
        }
        return m;
    }
}
