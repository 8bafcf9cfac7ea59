package io.causality.jobs.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.schemas.EventJson;
import io.causality.schemas.lake.DecisionTable;
import io.causality.schemas.lake.DecisionValidator;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** What the operator tests of this package share. */
final class Harnesses {
    private Harnesses() {}

    private static final DecisionValidator DECISIONS = new DecisionValidator();

    /**
     * The matches emitted so far, taken out of the harness's output; each one's record is what the
     * lake's rule_matches table says it is (decisions/rule_match.json).
     */
    static List<RuleMatch> drainMatches(AbstractStreamOperatorTestHarness<RuleMatch> harness) {
        List<RuleMatch> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof RuleMatch m) {
                String json = MatchRecords.matchJson(m);
                try {
                    assertThat(
                                    DECISIONS.problems(
                                            DecisionTable.RULE_MATCHES,
                                            EventJson.mapper().readTree(json)))
                            .as("%s", json)
                            .isEmpty();
                } catch (java.io.IOException e) {
                    throw new AssertionError(json, e);
                }
                out.add(m);
            }
        }
        harness.getOutput().clear();
        return out;
    }
}
