package io.causality.stack.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.rules.json.DeployedRule;
import io.causality.rules.json.RuleStatus;
import io.causality.rules.parse.Parser;
import io.causality.rules.topic.RuleTopic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployPlanTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void newRulesStartAtOneChangedOnesGoUpAndPruneDeletesTheRest() throws Exception {
        var before =
                Parser.parse(
                        "old.rules",
                        "rule \"same\" on app_open then emit \"t\" end\n"
                                + "rule \"edited\" on app_open then emit \"t\" end\n"
                                + "rule \"gone\" on app_open then emit \"t\" end\n");
        Map<String, DeployedRule> deployed = new java.util.TreeMap<>();
        for (var r : before.rules()) {
            deployed.put(r.name(), new DeployedRule(r, 3, NOW.minusSeconds(60), "old.rules:1"));
        }
        var files =
                List.of(
                        Parser.parse(
                                "new.rules",
                                "rule \"same\" on app_open then emit \"t\" end\n"
                                        + "rule \"edited\" on app_open then emit \"u\" end\n"
                                        + "rule \"fresh\" on app_open then emit \"t\" end\n"));
        var state = new RuleTopic.State(deployed, Map.of("broken", "not json"));

        DeployPlan keep = DeployPlan.of(files, state, false, NOW);
        assertThat(keep.changes())
                .extracting(
                        DeployPlan.Change::name,
                        DeployPlan.Change::kind,
                        DeployPlan.Change::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("same", DeployPlan.Kind.UNCHANGED, 3),
                        org.assertj.core.groups.Tuple.tuple("edited", DeployPlan.Kind.CHANGE, 4),
                        org.assertj.core.groups.Tuple.tuple("fresh", DeployPlan.Kind.CREATE, 1));
        assertThat(keep.toPublish())
                .extracting(d -> d.source())
                .containsExactly("new.rules:2", "new.rules:3");
        assertThat(keep.tombstones()).isEmpty();

        DeployPlan prune = DeployPlan.of(files, state, true, NOW);
        assertThat(prune.tombstones()).containsExactly("broken", "gone");
    }

    /**
     * A rule the jobs suspended (or refused) at its deployed version is deployed again with the
     * next version even if its text did not change: that is what resumes it. A status of an older
     * version is stale and changes nothing.
     */
    @Test
    void anUnchangedRuleTheJobsSuspendedIsDeployedAgainToResumeIt() throws Exception {
        var files =
                List.of(
                        Parser.parse(
                                "r.rules",
                                "rule \"stuck\" on app_open then emit \"t\" end\n"
                                        + "rule \"fine\" on app_open then emit \"t\" end\n"
                                        + "rule \"refused\" on app_open then emit \"t\" end\n"));
        Map<String, DeployedRule> deployed = new java.util.TreeMap<>();
        for (var r : files.get(0).rules()) {
            deployed.put(r.name(), new DeployedRule(r, 2, NOW.minusSeconds(60), "r.rules:1"));
        }
        var statuses =
                Map.of(
                        "stuck",
                        new RuleStatus(
                                "stuck",
                                2,
                                RuleStatus.State.SUSPENDED,
                                "why",
                                101,
                                NOW,
                                "reaction",
                                "x"),
                        "fine",
                        new RuleStatus(
                                "fine",
                                1,
                                RuleStatus.State.SUSPENDED,
                                "old",
                                101,
                                NOW,
                                "reaction",
                                "x"));
        DeployPlan plan =
                DeployPlan.of(files, new RuleTopic.State(deployed, Map.of()), statuses, false, NOW);
        assertThat(plan.changes())
                .extracting(
                        DeployPlan.Change::name,
                        DeployPlan.Change::kind,
                        DeployPlan.Change::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("stuck", DeployPlan.Kind.RESUME, 3),
                        org.assertj.core.groups.Tuple.tuple("fine", DeployPlan.Kind.UNCHANGED, 2),
                        org.assertj.core.groups.Tuple.tuple(
                                "refused", DeployPlan.Kind.UNCHANGED, 2));
        assertThat(plan.toPublish()).extracting(DeployedRule::version).containsExactly(3);
    }
}
