package io.causality.stack.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
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
}
