package io.causality.rules.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.InvalidPathException;
import io.causality.contracts.EndpointNames;
import io.causality.rules.Action;
import io.causality.rules.Condition;
import io.causality.rules.EventPattern;
import io.causality.rules.EventSelector;
import io.causality.rules.PayloadValue;
import io.causality.rules.Rule;
import io.causality.rules.eval.EventPath;
import io.causality.rules.eval.SafeRegex;
import io.causality.rules.parse.ParsedRules;
import io.causality.rules.parse.SourceMap;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventType;
import io.causality.schemas.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks parsed rules against the event schemas and the language's limits: event types and fields
 * exist (or the closest that does is suggested), literals have the type the schema gives the field,
 * paths are JSONPath, regular expressions compile in RE2 (linear time), names are unique, steps
 * named in payloads exist.
 *
 * <p>A field the schema does not list is an error where the schema forbids other fields (the
 * envelope) or where a listed name is close (a typo); elsewhere a warning, since apps may send
 * properties of their own.
 */
public final class RuleValidator {
    /** Rule names: what `rules delete` and the topic's keys use. */
    public static final Pattern RULE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** The longest window a sequence may have: its partial matches are kept that long. */
    public static final long MAX_WITHIN_MILLIS = 31L * 24 * 3600 * 1000;

    public static final int MAX_TIMES = 1000;

    private final SchemaCatalog catalog = SchemaCatalog.get();

    /** Every problem in a set of files deployed together (names must be unique across them). */
    public List<Diagnostic> validate(List<ParsedRules> files) {
        List<Diagnostic> out = new ArrayList<>();
        Map<String, SourceMap.Position> seen = new HashMap<>();
        for (ParsedRules file : files) {
            for (Rule rule : file.rules()) {
                SourceMap.Position at = file.source().of(rule);
                SourceMap.Position first = seen.putIfAbsent(rule.name(), at);
                if (first != null) {
                    out.add(error(at, rule, "the name is already used by the rule at " + first));
                }
                out.addAll(validate(rule, file.source()));
            }
        }
        return out;
    }

    /** Every problem in one rule; positions from its source, if it was parsed. */
    public List<Diagnostic> validate(Rule rule, SourceMap source) {
        return new Check(rule, source).run();
    }

    private static Diagnostic error(SourceMap.Position at, Rule rule, String message) {
        return new Diagnostic(Diagnostic.Severity.ERROR, at, rule.name(), message);
    }

    /** One rule's validation, collecting diagnostics. */
    private final class Check {
        private final Rule rule;
        private final SourceMap source;
        private final List<Diagnostic> out = new ArrayList<>();

        Check(Rule rule, SourceMap source) {
            this.rule = rule;
            this.source = source;
        }

        List<Diagnostic> run() {
            if (!RULE_NAME.matcher(rule.name()).matches()) {
                error(
                        rule,
                        "a rule name is 1-128 characters of a-z, 0-9, '.', '-' or '_', starting"
                                + " with a letter or digit");
            }
            for (String app : rule.apps()) {
                if (!EventFields.APP_ID_PATTERN.matcher(app).matches()) {
                    error(rule, "'" + app + "': " + EventFields.APP_ID_RULE);
                }
            }
            Set<String> steps = new HashSet<>();
            if (rule.trigger() instanceof Rule.Match m) {
                pattern(m.event());
            } else {
                sequence((Rule.Sequence) rule.trigger(), steps);
            }
            if (rule.actions().isEmpty()) {
                error(rule, "a rule needs at least one action");
            }
            for (Action a : rule.actions()) {
                action(a, steps);
            }
            return out;
        }

        private void sequence(Rule.Sequence s, Set<String> steps) {
            Object at = s;
            if (s.withinMillis() <= 0 || s.withinMillis() > MAX_WITHIN_MILLIS) {
                error(at, "the window must be longer than 0 and at most 31d");
            }
            path(s.keyPath(), s.keyPath(), null);
            for (Rule.Step step : s.steps()) {
                if (step.times() < 1 || step.times() > MAX_TIMES) {
                    error(step, "a step repeats 1 to " + MAX_TIMES + " times, not " + step.times());
                }
                if (step.alias() != null && !steps.add(step.alias())) {
                    error(step, "two steps are named '" + step.alias() + "'");
                }
                pattern(step.event());
            }
            if (s.absent() != null) {
                pattern(s.absent());
            }
        }

        private void pattern(EventPattern p) {
            EventType type = null;
            EventSelector sel = p.selector();
            if (sel.kind() == EventSelector.Kind.TYPE) {
                type = EventType.fromWireName(sel.name()).orElse(null);
                if (type == null) {
                    error(
                            p,
                            "unknown event type '"
                                    + sel.name()
                                    + "'"
                                    + EventType.closestTo(sel.name())
                                            .map(t -> "; did you mean '" + t.wireName() + "'?")
                                            .orElse(
                                                    "; a custom event is written custom \"its name\""));
                }
            } else if (sel.kind() == EventSelector.Kind.CUSTOM && sel.name().isBlank()) {
                error(p, "a custom event needs its name: custom \"video_played\"");
            }
            if (p.where() != null) {
                condition(p.where(), type);
            }
        }

        private void condition(Condition c, EventType type) {
            if (c instanceof Condition.And and) {
                and.terms().forEach(t -> condition(t, type));
            } else if (c instanceof Condition.Or or) {
                or.terms().forEach(t -> condition(t, type));
            } else if (c instanceof Condition.Not not) {
                condition(not.term(), type);
            } else if (c instanceof Condition.Exists ex) {
                path(c, ex.path(), type);
            } else {
                compare((Condition.Compare) c, type);
            }
        }

        private void compare(Condition.Compare c, EventType type) {
            SchemaCatalog.Lookup field = path(c, c.path(), type);
            JsonNode v = c.value();
            switch (c.op()) {
                case MATCHES -> {
                    try {
                        SafeRegex.compile(v.asText());
                    } catch (IllegalArgumentException e) {
                        error(c, "not a regular expression: " + e.getMessage());
                    }
                    if (field instanceof SchemaCatalog.Known k && !k.jsonType().equals("string")) {
                        error(c, c.path() + " is a " + k.jsonType() + "; matches works on strings");
                    }
                }
                case IN -> {
                    if (v.isEmpty()) {
                        error(c, "'in' with an empty list is never true");
                    }
                    for (JsonNode option : v) {
                        literalFits(c, field, option);
                    }
                }
                case CONTAINS -> {
                    if (field instanceof SchemaCatalog.Known k) {
                        if (k.jsonType().equals("string") && !v.isTextual()) {
                            error(
                                    c,
                                    c.path()
                                            + " is a string; 'contains' needs a string to look for");
                        } else if (!k.jsonType().equals("string")
                                && !k.jsonType().equals("array")) {
                            error(
                                    c,
                                    c.path()
                                            + " is a "
                                            + k.jsonType()
                                            + "; 'contains' works on strings and lists");
                        }
                    }
                }
                default -> {
                    if (c.op().isOrdering() && !(v.isNumber() || v.isTextual())) {
                        error(c, "'" + c.op().symbol() + "' compares numbers or strings, not " + v);
                    }
                    literalFits(c, field, v);
                }
            }
        }

        /** A literal of another type than the field never compares equal: say so now. */
        private void literalFits(Object at, SchemaCatalog.Lookup field, JsonNode v) {
            if (!(field instanceof SchemaCatalog.Known k) || v.isNull()) {
                return;
            }
            boolean fits =
                    switch (k.jsonType()) {
                        case "string" -> v.isTextual();
                        case "number", "integer" -> v.isNumber();
                        case "boolean" -> v.isBoolean();
                        default -> true;
                    };
            if (!fits) {
                error(
                        at,
                        "the field is a "
                                + k.jsonType()
                                + " and "
                                + v
                                + " is not; the comparison could never be true"
                                + (k.numeric() && v.isTextual()
                                        ? " (write the number without quotes)"
                                        : ""));
            }
        }

        /** Checks a path's syntax and fields; what the schema says about it, for type checks. */
        private SchemaCatalog.Lookup path(Object at, String path, EventType type) {
            try {
                new EventPath(path);
            } catch (InvalidPathException e) {
                error(at, "not a JSONPath: " + path + " (" + e.getMessage() + ")");
                return new SchemaCatalog.Unknown();
            } catch (IllegalArgumentException e) {
                error(at, path + ": " + e.getMessage());
                return new SchemaCatalog.Unknown();
            }
            SchemaCatalog.Lookup found = catalog.lookup(type, PathSegments.of(path));
            if (found instanceof SchemaCatalog.Missing m) {
                String message =
                        m.where()
                                + " has no field '"
                                + m.field()
                                + "'"
                                + m.suggestion().map(s -> "; did you mean '" + s + "'?").orElse("");
                if (m.strict() || m.suggestion().isPresent()) {
                    error(at, message);
                } else {
                    out.add(
                            new Diagnostic(
                                    Diagnostic.Severity.WARNING,
                                    source.of(at),
                                    rule.name(),
                                    message + " in its schema; it is read as the app sent it"));
                }
                return new SchemaCatalog.Unknown();
            }
            return found;
        }

        private void action(Action a, Set<String> steps) {
            if (a.kind() == Action.Kind.WEBHOOK && !EndpointNames.valid(a.target())) {
                error(
                        a,
                        EndpointNames.RULE
                                + " (the URL is registered under that name: causality endpoints"
                                + " add)");
            }
            if (a.kind() == Action.Kind.EMIT && !TOPIC.matcher(a.target()).matches()) {
                error(
                        a,
                        "'"
                                + a.target()
                                + "' is not a Kafka topic name (a-z, A-Z, 0-9, '.', '_', '-')");
            }
            boolean sequence = rule.trigger() instanceof Rule.Sequence;
            for (var entry : a.payload().entrySet()) {
                PayloadValue v = entry.getValue();
                if (v instanceof PayloadValue.EventField f) {
                    if (f.step() != null && !steps.contains(f.step())) {
                        error(
                                v,
                                "no step is named '"
                                        + f.step()
                                        + "'"
                                        + Names.closest(f.step(), steps)
                                                .map(s -> "; did you mean '" + s + "'?")
                                                .orElse(
                                                        steps.isEmpty()
                                                                ? " (name a step with 'as')"
                                                                : "; steps: "
                                                                        + String.join(
                                                                                ", ", steps)));
                    }
                    path(v, f.path(), null);
                } else if (v instanceof PayloadValue.MatchInfo info
                        && info.fact() == PayloadValue.Fact.KEY
                        && !sequence) {
                    error(v, "@key is the key of a sequence; this rule has none");
                }
            }
        }

        private void error(Object at, String message) {
            out.add(RuleValidator.error(source.of(at), rule, message));
        }
    }
}
