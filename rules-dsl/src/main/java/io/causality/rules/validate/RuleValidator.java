package io.causality.rules.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.InvalidPathException;
import io.causality.contracts.EndpointNames;
import io.causality.rules.Action;
import io.causality.rules.Condition;
import io.causality.rules.Detector;
import io.causality.rules.EventPattern;
import io.causality.rules.EventSelector;
import io.causality.rules.PayloadValue;
import io.causality.rules.Rule;
import io.causality.rules.eval.EventPath;
import io.causality.rules.eval.SafeRegex;
import io.causality.rules.parse.Durations;
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

    /** Detectors: at most this many group-by paths. */
    public static final int MAX_GROUP_PATHS = 5;

    /** Detectors: the largest group limit per app. */
    public static final int MAX_GROUPS = 100_000;

    public static final long MIN_WINDOW_MILLIS = 1000;

    public static final long MAX_WINDOW_MILLIS = 7L * 24 * 3600 * 1000;

    /** Detectors: the most slides in one window, each an aggregate kept per group. */
    public static final int MAX_BUCKETS = 100;

    /** Detectors: the most earlier windows a baseline is learnt from. */
    public static final int MAX_BASELINE = 1000;

    /** Detectors: the most values a seasonal baseline keeps per group. */
    public static final int MAX_SEASONAL_VALUES = 10_000;

    /** Detectors: the most slides a group keeps open (the window and its lateness). */
    public static final int MAX_OPEN_SLIDES = 1000;

    /** Detectors: the most baseline values of one detector in one app (groups × values). */
    public static final long MAX_BASELINE_VALUES = 10_000_000;

    /** Detectors: the longest lateness, pending, keep-firing and cooldown time. */
    public static final long MAX_FLAP_MILLIS = 24L * 3600 * 1000;

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

    /**
     * The errors of one rule that did not come from a file (the jobs check every record of the
     * rules topic again); empty when it may run.
     */
    public List<String> errors(Rule rule) {
        return validate(rule, new SourceMap("topic")).stream()
                .filter(Diagnostic::isError)
                .map(Diagnostic::message)
                .toList();
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
            } else if (rule.trigger() instanceof Detector d) {
                detector(d);
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

        private void detector(Detector d) {
            Detector.Measure m = d.measure();
            m.patterns().forEach(this::pattern);
            if (m instanceof Detector.Measure.Aggregate a) {
                singleValued(a.path());
                SchemaCatalog.Lookup field = path(a.path(), a.path(), typeOf(a.events()));
                if (field instanceof SchemaCatalog.Known k && !k.numeric()) {
                    error(
                            a.path(),
                            a.path()
                                    + " is a "
                                    + k.jsonType()
                                    + "; "
                                    + a.function().word()
                                    + " needs numbers");
                }
            } else if (m instanceof Detector.Measure.DistinctCount dc) {
                singleValued(dc.path());
                path(dc.path(), dc.path(), typeOf(dc.events()));
            }
            if (d.groupBy().size() > MAX_GROUP_PATHS) {
                error(d, "a detector groups by at most " + MAX_GROUP_PATHS + " paths");
            }
            Set<String> groups = new HashSet<>();
            for (String g : d.groupBy()) {
                if (!groups.add(g)) {
                    error(g, "the detector groups by " + g + " twice");
                }
                singleValued(g);
                path(g, g, m.patterns().size() == 1 ? typeOf(m.patterns().get(0)) : null);
            }
            if (d.maxGroups() < 1 || d.maxGroups() > MAX_GROUPS) {
                error(d, "the group limit is 1 to " + MAX_GROUPS + ", not " + d.maxGroups());
            }
            long w = d.windowMillis();
            long slide = d.slideMillis();
            if (w < MIN_WINDOW_MILLIS || w > MAX_WINDOW_MILLIS) {
                error(d, "a window is 1s to 7d long");
            } else if (slide <= 0 || slide > w || w % slide != 0) {
                error(
                        d,
                        "'every' must divide the window: window "
                                + Durations.format(w)
                                + " every "
                                + Durations.format(slide)
                                + " does not (every 1m or 5m fit a 10m window)");
            } else if (slide < MIN_WINDOW_MILLIS) {
                error(d, "'every' is at least 1s");
            } else if (w / slide > MAX_BUCKETS) {
                error(
                        d,
                        "a window is at most "
                                + MAX_BUCKETS
                                + " slides long; make 'every' longer than "
                                + Durations.format(w / MAX_BUCKETS));
            } else if ((w + Math.max(0, d.latenessMillis())) / slide > MAX_OPEN_SLIDES) {
                error(
                        d,
                        "a window and its lateness keep "
                                + (w + d.latenessMillis()) / slide
                                + " slides open per group; at most "
                                + MAX_OPEN_SLIDES
                                + " (less lateness, or a longer 'every')");
            }
            if (d.latenessMillis() < 0 || d.latenessMillis() > MAX_FLAP_MILLIS) {
                error(d, "lateness is 0 to 1d");
            }
            alert(d, d.alert());
            Detector.Flap f = d.flap();
            for (long v :
                    new long[] {f.pendingMillis(), f.keepFiringMillis(), f.cooldownMillis()}) {
                if (v < 0 || v > MAX_FLAP_MILLIS) {
                    error(d, "for, keep firing and cooldown are 0 to 1d");
                    break;
                }
            }
        }

        private void alert(Detector d, Detector.Alert a) {
            if (a instanceof Detector.Alert.Change c) {
                if (!(c.amount() > 0)) {
                    error(a, "a change is by more than 0");
                }
                if (c.percent()
                        && c.direction() == Detector.Alert.Direction.BELOW
                        && c.amount() > 100) {
                    error(a, "a value cannot drop by more than 100 percent");
                }
            } else if (a instanceof Detector.Alert.NoData n) {
                if (n.forMillis() < d.slideMillis() || n.forMillis() > MAX_WITHIN_MILLIS) {
                    error(
                            a,
                            "no data for a duration from one slide of the window ("
                                    + Durations.format(d.slideMillis())
                                    + ") to 31d");
                }
            } else if (a instanceof Detector.Alert.Deviation dv) {
                if (!(dv.k() > 0)) {
                    error(a, "deviates by more than 0 sigma or mad");
                }
                long period = dv.seasonality().periodMillis;
                if (dv.windows() < 2) {
                    error(a, "a baseline needs 2 or more earlier windows");
                } else if (period == 0 && dv.windows() > MAX_BASELINE) {
                    error(a, "a baseline is at most " + MAX_BASELINE + " windows");
                }
                if (period > 0) {
                    if (period % d.slideMillis() != 0) {
                        error(
                                a,
                                "a "
                                        + dv.seasonality().word()
                                        + " season must be a whole number of slides ("
                                        + Durations.format(d.slideMillis())
                                        + " does not divide "
                                        + Durations.format(period)
                                        + ")");
                    } else if (period / d.slideMillis() * dv.windows() > MAX_SEASONAL_VALUES) {
                        error(
                                a,
                                "a "
                                        + dv.seasonality().word()
                                        + " baseline of "
                                        + dv.windows()
                                        + " seasons at one value per "
                                        + Durations.format(d.slideMillis())
                                        + " keeps "
                                        + period / d.slideMillis() * dv.windows()
                                        + " values per group; at most "
                                        + MAX_SEASONAL_VALUES
                                        + " (slide less often or learn over fewer seasons)");
                    }
                }
                long values =
                        (period > 0 && period % d.slideMillis() == 0 ? period / d.slideMillis() : 1)
                                * (long) dv.windows();
                if ((long) d.maxGroups() * values > MAX_BASELINE_VALUES) {
                    error(
                            a,
                            "a baseline of "
                                    + values
                                    + " values for each of up to "
                                    + d.maxGroups()
                                    + " groups is more than "
                                    + MAX_BASELINE_VALUES
                                    + " values per app; lower the group limit or the baseline");
                }
                if (dv.minHistory() < 1 || dv.minHistory() > dv.windows()) {
                    error(a, "min history is 1 to the baseline's " + dv.windows() + " windows");
                }
            }
        }

        /**
         * A measure or group reads one value per event: a path that may find several is refused.
         */
        private void singleValued(String path) {
            try {
                if (new EventPath(path).isIndefinite()) {
                    error(
                            path,
                            path
                                    + " may find several values ([*], .., filters); a detector"
                                    + " measures and groups by one value per event: name one, e.g."
                                    + " $.items[0].price");
                }
            } catch (RuntimeException e) {
                // not a path: path() says so
            }
        }

        private EventType typeOf(EventPattern p) {
            return p.selector().kind() == EventSelector.Kind.TYPE
                    ? EventType.fromWireName(p.selector().name()).orElse(null)
                    : null;
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
            boolean detector = rule.isDetector();
            for (var entry : a.payload().entrySet()) {
                PayloadValue v = entry.getValue();
                if (detector && v instanceof PayloadValue.EventField f) {
                    error(
                            v,
                            "a detector's actions are about a window, not one event ("
                                    + f.path()
                                    + "); use @value, @baseline, @severity, @state, @group,"
                                    + " @window_start, @window_end, @rule, @version or @time");
                } else if (detector
                        && v instanceof PayloadValue.MatchInfo info
                        && (info.fact() == PayloadValue.Fact.KEY
                                || info.fact() == PayloadValue.Fact.EVENT_IDS
                                || info.fact() == PayloadValue.Fact.COUNT)) {
                    error(
                            v,
                            "@"
                                    + info.fact().word()
                                    + " belongs to rules; a detector has @value, @group and the"
                                    + " window");
                } else if (!detector
                        && v instanceof PayloadValue.MatchInfo info
                        && info.fact().ofDetectors()) {
                    error(v, "@" + info.fact().word() + " belongs to detectors");
                } else if (v instanceof PayloadValue.EventField f) {
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
