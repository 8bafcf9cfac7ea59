package io.causality.jobs.common;

import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** What the jobs' operator tests share: rule records, dead letters, keyed state. */
public final class Harness {
    private Harness() {}

    /** The rules-topic record of the first rule (or detector) of the text, at that version. */
    public static RuleUpdate deployed(String text, int version, Instant at) throws Exception {
        var rule = Parser.parse("t", text).rules().get(0);
        var json = new DeployedRule(rule, version, at, "t:1").toJson().toString();
        return new RuleUpdate(
                rule.name(), json.getBytes(StandardCharsets.UTF_8), "causality.rules", 0, version);
    }

    /** The dead letters the operator sent since the last call. */
    public static List<DeadLetter> deadLetters(AbstractStreamOperatorTestHarness<?> harness) {
        var q = harness.getSideOutput(DeadLetters.TAG);
        List<DeadLetter> out = new ArrayList<>();
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
            q.clear();
        }
        return out;
    }

    /** Entries of keyed state (heap backend), over every state and key of the operator. */
    public static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> harness) {
        var operator = (AbstractStreamOperator<?>) harness.getOperator();
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>)
                        operator.getKeyedStateBackend())
                .numKeyValueStateEntries();
    }
}
