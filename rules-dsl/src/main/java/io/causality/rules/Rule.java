package io.causality.rules;

import java.util.List;
import java.util.Objects;

/**
 * A rule: which events it looks at, what makes it match (a condition on one event, a sequence of
 * events per key, or an anomaly a {@link Detector} finds in windows of them), and what happens
 * then. Built by the parser from text, or from its JSON form ({@link
 * io.causality.rules.json.RuleJson}); the two round-trip.
 *
 * @param name unique; the rule's identity across deploys
 * @param apps the apps whose events it sees; empty for all apps
 */
public record Rule(String name, List<String> apps, Trigger trigger, List<Action> actions) {
    public Rule {
        Objects.requireNonNull(name, "name");
        apps = List.copyOf(apps);
        Objects.requireNonNull(trigger, "trigger");
        actions = List.copyOf(actions);
    }

    /** Whether this is a detector, run by the anomaly job rather than the reaction job. */
    public boolean isDetector() {
        return trigger instanceof Detector;
    }

    /** What makes a rule match. */
    public sealed interface Trigger permits Match, Sequence, Detector {
        /** The kinds of event that can advance or complete the trigger, for indexing. */
        List<EventSelector> selectors();
    }

    /** A condition on each single event: {@code on purchase_complete where ...}. */
    public record Match(EventPattern event) implements Trigger {
        public Match {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public List<EventSelector> selectors() {
            return List.of(event.selector());
        }
    }

    /**
     * Events of one key in order within a time window: steps that must follow each other, and
     * optionally an event that must not follow them before the window closes.
     *
     * @param keyPath JSONPath of the key, e.g. {@code $.user_id}
     * @param withinMillis the window, from the first step's event
     * @param absent the event that must not follow, or null
     */
    public record Sequence(String keyPath, long withinMillis, List<Step> steps, EventPattern absent)
            implements Trigger {
        public Sequence {
            Objects.requireNonNull(keyPath, "keyPath");
            steps = List.copyOf(steps);
        }

        @Override
        public List<EventSelector> selectors() {
            List<EventSelector> out = new java.util.ArrayList<>();
            steps.forEach(s -> out.add(s.event().selector()));
            if (absent != null) {
                out.add(absent.selector());
            }
            return out.stream().distinct().toList();
        }
    }

    /**
     * One step of a sequence.
     *
     * @param times how many such events in a row (1 for one)
     * @param alias the name actions use for the step's event, or null
     */
    public record Step(EventPattern event, int times, String alias) {
        public Step {
            Objects.requireNonNull(event, "event");
        }
    }
}
