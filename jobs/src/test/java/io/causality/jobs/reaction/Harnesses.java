package io.causality.jobs.reaction;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** What the operator tests of this package share. */
final class Harnesses {
    private Harnesses() {}

    /** The matches emitted so far, taken out of the harness's output. */
    static List<RuleMatch> drainMatches(AbstractStreamOperatorTestHarness<RuleMatch> harness) {
        List<RuleMatch> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof RuleMatch m) {
                out.add(m);
            }
        }
        harness.getOutput().clear();
        return out;
    }
}
