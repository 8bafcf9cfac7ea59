package io.causality.stack.rules;

import io.causality.rules.Rule;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.json.RuleJson;
import io.causality.rules.json.RuleStatus;
import io.causality.rules.parse.ParsedRules;
import io.causality.rules.topic.RuleTopic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a deploy changes: rules new or changed since the deployed state get the next version,
 * unchanged ones are left alone (their partial matches survive), and with pruning, deployed rules
 * the files no longer hold are deleted.
 */
public record DeployPlan(List<Change> changes) {
    public enum Kind {
        CREATE,
        CHANGE,
        /** Unchanged, but the jobs suspended or refused its version: deployed anew to run again. */
        RESUME,
        UNCHANGED,
        DELETE
    }

    /**
     * @param deployed the record to publish (null for UNCHANGED and DELETE)
     */
    public record Change(Kind kind, String name, int version, DeployedRule deployed) {}

    public static DeployPlan of(
            List<ParsedRules> files, RuleTopic.State current, boolean prune, Instant now) {
        return of(files, current, Map.of(), prune, now);
    }

    /**
     * @param statuses what the jobs said about rules: an unchanged rule whose deployed version they
     *     suspended is published again with the next version, which resumes it (a refused one must
     *     be changed)
     */
    public static DeployPlan of(
            List<ParsedRules> files,
            RuleTopic.State current,
            Map<String, RuleStatus> statuses,
            boolean prune,
            Instant now) {
        List<Change> changes = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (ParsedRules file : files) {
            for (Rule rule : file.rules()) {
                named.add(rule.name());
                DeployedRule was = current.rules().get(rule.name());
                String source = file.source().of(rule).file() + ":" + file.source().of(rule).line();
                if (was == null) {
                    changes.add(
                            new Change(
                                    Kind.CREATE,
                                    rule.name(),
                                    1,
                                    new DeployedRule(rule, 1, now, source)));
                } else if (RuleJson.toJson(was.rule()).equals(RuleJson.toJson(rule))) {
                    RuleStatus status = statuses.get(rule.name());
                    // A refused version is refused again if deployed as it is: only a suspension
                    // (errors on events) is resumed by deploying the same text anew.
                    if (status != null
                            && status.version() == was.version()
                            && status.state() == RuleStatus.State.SUSPENDED) {
                        int v = was.version() + 1;
                        changes.add(
                                new Change(
                                        Kind.RESUME,
                                        rule.name(),
                                        v,
                                        new DeployedRule(rule, v, now, source)));
                    } else {
                        changes.add(new Change(Kind.UNCHANGED, rule.name(), was.version(), null));
                    }
                } else {
                    int v = was.version() + 1;
                    changes.add(
                            new Change(
                                    Kind.CHANGE,
                                    rule.name(),
                                    v,
                                    new DeployedRule(rule, v, now, source)));
                }
            }
        }
        if (prune) {
            Set<String> deployed = new java.util.TreeSet<>(current.rules().keySet());
            deployed.addAll(current.unreadable().keySet());
            for (String name : deployed) {
                if (!named.contains(name)) {
                    DeployedRule was = current.rules().get(name);
                    changes.add(
                            new Change(Kind.DELETE, name, was == null ? 0 : was.version(), null));
                }
            }
        }
        return new DeployPlan(List.copyOf(changes));
    }

    public List<DeployedRule> toPublish() {
        return changes.stream().filter(c -> c.deployed() != null).map(Change::deployed).toList();
    }

    public List<String> tombstones() {
        return changes.stream().filter(c -> c.kind() == Kind.DELETE).map(Change::name).toList();
    }
}
