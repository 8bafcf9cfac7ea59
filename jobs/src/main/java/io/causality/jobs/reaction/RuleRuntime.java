package io.causality.jobs.reaction;

import io.causality.contracts.MetricNames;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.RawRecord;
import io.causality.rules.json.RuleStatus;
import io.causality.schemas.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules one operator instance runs, and what happens when one fails, the same in both reaction
 * operators: a failed evaluation counts as "no match" for that rule, is counted ({@code
 * evaluationErrors}) and goes to the dead-letter topic with the rule, its version and the event; a
 * rule that fails on more events than {@link RuleLimits#suspendAfterErrors} within the window is
 * suspended (its status goes to the rule-status topic, {@code causality rules list} shows it) until
 * a new version of it is deployed. One tenant's broken rule costs the others nothing.
 */
final class RuleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(RuleRuntime.class);
    static final String JOB = "reaction";

    private final String operator;
    private final RuleLimits limits;
    private final LongSupplier clock;
    private final Map<String, ActiveRule> active = new HashMap<>();

    /** Suspensions restored from a checkpoint, by rule: they hold while that version runs. */
    private final Map<String, RuleStatus> restored = new HashMap<>();

    private final Counter evaluationErrors;
    private final Counter refused;
    private final Counter suspensions;
    private final DeadLetters deadLetters;

    RuleRuntime(String operator, RuleLimits limits, MetricGroup metrics, LongSupplier clock) {
        this.operator = operator;
        this.limits = limits;
        this.clock = clock;
        this.evaluationErrors = metrics.counter(MetricNames.EVALUATION_ERRORS);
        this.refused = metrics.counter(MetricNames.RULES_REFUSED);
        this.suspensions = metrics.counter(MetricNames.RULE_SUSPENSIONS);
        this.deadLetters = DeadLetters.open(metrics);
        metrics.gauge(
                MetricNames.RULES_SUSPENDED,
                () -> (int) active.values().stream().filter(ActiveRule::suspended).count());
    }

    /** Runs this version of the rule from now on; its suspension, if restored for it, holds. */
    ActiveRule activate(CompiledRule rule) {
        ActiveRule a = new ActiveRule(rule, limits);
        ActiveRule before = active.get(rule.name());
        RuleStatus s = restored.get(rule.name());
        if (before != null && before.suspended() && before.version() == rule.version()) {
            a.suspension = before.suspension;
        } else if (s != null && s.version() == rule.version()) {
            a.suspension = s;
        } else {
            restored.remove(rule.name());
        }
        active.put(rule.name(), a);
        return a;
    }

    ActiveRule get(String name) {
        return active.get(name);
    }

    ActiveRule remove(String name) {
        restored.remove(name);
        return active.remove(name);
    }

    Collection<ActiveRule> all() {
        return active.values();
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * An evaluation of the rule on the event failed: counted, a dead letter with the event's bytes
     * (and where they were read, if known), and the rule suspended if it keeps failing.
     */
    void failed(
            ActiveRule rule,
            String eventId,
            byte[] event,
            RawRecord origin,
            Throwable error,
            SideOutputs out) {
        evaluationErrors.inc();
        String message = message(error);
        DeadLetter letter =
                DeadLetter.ofRule(
                        JOB,
                        "rule "
                                + rule.name()
                                + " v"
                                + rule.version()
                                + " on event "
                                + eventId
                                + ": "
                                + message,
                        rule.name(),
                        rule.version(),
                        eventId,
                        event);
        if (origin != null) {
            letter.from(origin.topic, origin.partition, origin.offset);
        }
        deadLetters.send(out::output, letter);
        if (!rule.suspended() && rule.health.failed(clock.getAsLong())) {
            rule.suspension =
                    new RuleStatus(
                            rule.name(),
                            rule.version(),
                            RuleStatus.State.SUSPENDED,
                            message,
                            rule.health.recent(),
                            Instant.ofEpochMilli(clock.getAsLong()),
                            JOB,
                            operator);
            suspensions.inc();
            LOG.warn(
                    "rule {} v{} suspended in {} after {} errors within {}: {}",
                    rule.name(),
                    rule.version(),
                    operator,
                    rule.health.recent(),
                    limits.suspendWindow(),
                    message);
            out.output(RuleStatusRecord.TAG, new RuleStatusRecord(rule.suspension));
        }
    }

    /** A rule record or stored rule that cannot run: counted, logged, and its status sent. */
    void refused(String name, int version, String reason, SideOutputs out) {
        refused.inc();
        LOG.warn("rule {} v{} refused in {}: {}", name, version, operator, reason);
        out.output(
                RuleStatusRecord.TAG,
                new RuleStatusRecord(
                        new RuleStatus(
                                name,
                                version,
                                RuleStatus.State.REFUSED,
                                reason,
                                0,
                                Instant.ofEpochMilli(clock.getAsLong()),
                                JOB,
                                operator)));
    }

    /** The suspensions in force, for the operator's checkpoint. */
    List<String> snapshot() {
        List<String> out = new ArrayList<>();
        for (ActiveRule a : active.values()) {
            if (a.suspended()) {
                out.add(a.suspension.toJson().toString());
            }
        }
        restored.forEach(
                (name, s) -> {
                    if (!active.containsKey(name)) {
                        out.add(s.toJson().toString());
                    }
                });
        return out;
    }

    /** Suspensions from a checkpoint; they apply to their rule version once it is activated. */
    void restore(Iterable<String> statuses) throws Exception {
        for (String json : statuses) {
            RuleStatus s = RuleStatus.fromJson(EventJson.mapper().readTree(json));
            // Every instance's list comes back (union state): the newest version wins.
            restored.merge(s.rule(), s, (a, b) -> a.version() >= b.version() ? a : b);
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
