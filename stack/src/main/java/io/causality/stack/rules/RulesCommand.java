package io.causality.stack.rules;

import io.causality.rules.Action;
import io.causality.rules.Detector;
import io.causality.rules.Rule;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.json.RuleStatus;
import io.causality.rules.parse.Durations;
import io.causality.rules.topic.RuleTopic;
import io.causality.rules.validate.Diagnostic;
import io.causality.rules.validate.RuleValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code causality rules ...} does, apart from the command line parsing. */
public final class RulesCommand {
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);

    private final PrintStream out;
    private final PrintStream err;

    public RulesCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Parses and validates; prints every problem; null if any is an error. */
    private RuleFiles.Loaded check(List<Path> paths) throws IOException {
        RuleFiles.Loaded loaded = RuleFiles.load(paths);
        loaded.errors().forEach(err::println);
        List<Diagnostic> problems = new RuleValidator().validate(loaded.files());
        problems.forEach(err::println);
        long errors =
                loaded.errors().size() + problems.stream().filter(Diagnostic::isError).count();
        int rules = loaded.files().stream().mapToInt(f -> f.rules().size()).sum();
        if (errors > 0) {
            err.println(errors + (errors == 1 ? " error" : " errors") + "; nothing deployed");
            return null;
        }
        out.println(
                rules
                        + (rules == 1 ? " rule" : " rules")
                        + " in "
                        + loaded.files().size()
                        + (loaded.files().size() == 1 ? " file" : " files")
                        + ": valid"
                        + (problems.isEmpty() ? "" : " (" + problems.size() + " warnings)"));
        return loaded;
    }

    public int validate(List<Path> paths) throws IOException {
        return check(paths) == null ? 1 : 0;
    }

    public int deploy(List<Path> paths, boolean prune, RuleTopic topic) throws IOException {
        return deploy(paths, prune, topic, null, false);
    }

    /**
     * As {@link #deploy(List, boolean, RuleTopic)}, then checks that the topics the rules emit to
     * exist, and creates those that do not when {@code createTopics} is set.
     *
     * @param emits where to check, or null for no check
     */
    public int deploy(
            List<Path> paths,
            boolean prune,
            RuleTopic topic,
            EmitTopics emits,
            boolean createTopics)
            throws IOException {
        int result = publish(paths, prune, topic);
        if (result != 0 || emits == null) {
            return result;
        }
        java.util.Set<String> targets = new java.util.TreeSet<>();
        for (var file : RuleFiles.load(paths).files()) {
            for (Rule r : file.rules()) {
                r.actions().stream()
                        .filter(a -> a.kind() == io.causality.rules.Action.Kind.EMIT)
                        .forEach(a -> targets.add(a.target()));
            }
        }
        try {
            java.util.Set<String> missing = emits.missing(targets);
            if (missing.isEmpty()) {
                return 0;
            }
            if (createTopics) {
                emits.create(missing);
                out.println(
                        "created the topics these rules emit to: " + String.join(", ", missing));
            } else {
                out.println(
                        "note: these rules emit to topics that do not exist: "
                                + String.join(", ", missing)
                                + "; their emits become dead letters until the topics exist"
                                + " (rules deploy --create-topics creates them)");
            }
        } catch (Exception e) {
            err.println("could not check the emit topics: " + e.getMessage());
        }
        return 0;
    }

    private int publish(List<Path> paths, boolean prune, RuleTopic topic) throws IOException {
        RuleFiles.Loaded loaded = check(paths);
        if (loaded == null) {
            return 1;
        }
        Map<String, RuleStatus> statuses = topic.statuses(STATUS_TIMEOUT);
        DeployPlan plan =
                DeployPlan.of(
                        loaded.files(),
                        topic.read(KAFKA_TIMEOUT),
                        statuses,
                        prune,
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        if (!plan.toPublish().isEmpty() || !plan.tombstones().isEmpty()) {
            topic.publish(plan.toPublish(), plan.tombstones());
        }
        for (DeployPlan.Change c : plan.changes()) {
            String what =
                    switch (c.kind()) {
                        case CREATE -> "deployed   v" + c.version();
                        case CHANGE ->
                                "changed    v"
                                        + c.version()
                                        + (c.deployed().rule().trigger() instanceof Rule.Sequence
                                                ? " (partial matches of v"
                                                        + (c.version() - 1)
                                                        + " are dropped)"
                                                : c.deployed().rule().isDetector()
                                                        ? " (the baseline is kept if it measures"
                                                                + " the same, else learnt again)"
                                                        : "");
                        case RESUME ->
                                "resumed    v"
                                        + c.version()
                                        + " (v"
                                        + (c.version() - 1)
                                        + " was "
                                        + statuses.get(c.name()).state().wireName()
                                        + ")";
                        case UNCHANGED -> "unchanged  v" + c.version();
                        case DELETE -> "deleted    (was v" + c.version() + ")";
                    };
            out.printf("  %-32s %s%n", c.name(), what);
        }
        long published = plan.toPublish().size() + plan.tombstones().size();
        out.println(
                published == 0
                        ? "nothing to publish: the topic already holds these rules"
                        : "published "
                                + published
                                + " record(s) to the rules topic in one transaction; running jobs"
                                + " pick them up within seconds");
        return 0;
    }

    public int list(RuleTopic topic) {
        RuleTopic.State state = topic.read(KAFKA_TIMEOUT);
        Map<String, RuleStatus> statuses = topic.statuses(STATUS_TIMEOUT);
        String format = "%-32s %-8s %-25s %-40s %-30s %s%n";
        out.printf(format, "RULE", "VERSION", "DEPLOYED", "TRIGGER", "ACTIONS", "STATUS");
        int stopped = 0;
        for (DeployedRule r : state.rules().values()) {
            RuleStatus s = statuses.get(r.rule().name());
            // A status of an older version is stale: the deploy since resumed the rule.
            boolean current = s != null && s.version() == r.version();
            stopped += current ? 1 : 0;
            out.printf(
                    format,
                    r.rule().name(),
                    "v" + r.version(),
                    r.deployedAt(),
                    trigger(r.rule()),
                    r.rule().actions().stream()
                            .map(
                                    a ->
                                            (a.kind() == Action.Kind.WEBHOOK ? "webhook " : "emit ")
                                                    + a.target())
                            .collect(Collectors.joining(", ")),
                    current ? status(s) : "active");
        }
        state.unreadable().forEach((name, why) -> out.printf("%-32s UNREADABLE: %s%n", name, why));
        out.println(
                state.rules().size()
                        + " rule(s) deployed"
                        + (stopped == 0
                                ? ""
                                : ", "
                                        + stopped
                                        + " not running (deploy them again to resume, fixed if the"
                                        + " error is theirs)"));
        return 0;
    }

    private static String status(RuleStatus s) {
        return s.state().wireName()
                + " at "
                + s.at()
                + (s.state() == RuleStatus.State.SUSPENDED
                        ? " after " + s.errors() + " errors"
                        : "")
                + ": "
                + s.reason();
    }

    public int delete(String name, RuleTopic topic) {
        RuleTopic.State state = topic.read(KAFKA_TIMEOUT);
        if (!state.rules().containsKey(name) && !state.unreadable().containsKey(name)) {
            err.println("no deployed rule is named '" + name + "' (see `causality rules list`)");
            return 1;
        }
        topic.publish(List.of(), List.of(name));
        out.println(
                "deleted "
                        + name
                        + "; running jobs drop it and its partial matches within seconds");
        return 0;
    }

    private static String trigger(Rule rule) {
        String apps = rule.apps().isEmpty() ? "" : " [" + String.join(",", rule.apps()) + "]";
        if (rule.trigger() instanceof Rule.Sequence s) {
            return "sequence by "
                    + s.keyPath()
                    + " within "
                    + Durations.format(s.withinMillis())
                    + apps;
        }
        if (rule.trigger() instanceof Detector d) {
            return "detector of "
                    + d.selectors().stream().map(Object::toString).collect(Collectors.joining(", "))
                    + " per "
                    + Durations.format(d.windowMillis())
                    + (d.slideMillis() == d.windowMillis()
                            ? ""
                            : " every " + Durations.format(d.slideMillis()))
                    + apps;
        }
        return "on " + ((Rule.Match) rule.trigger()).event().selector() + apps;
    }
}
