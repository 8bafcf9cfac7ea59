package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.EventPattern;
import io.causality.rules.EventSelector;
import io.causality.rules.Rule;
import io.causality.rules.eval.CompiledCondition;
import io.causality.rules.json.RuleJson;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * A rule's sequence as a flink-cep {@link Pattern}: step {@code i} is the pattern state {@code
 * s<i>} ({@code times(n)} for a count), steps follow each other with relaxed contiguity ({@code
 * followedBy}: other events may come between), the absence is a trailing {@code notFollowedBy} that
 * the window closes, and the whole is {@code within} the rule's window. After a match the NFA skips
 * past its last event, so five failed logins make one match, not one per later failure.
 *
 * <p>Events travel through the NFA as their JSON text (Flink has a serializer for strings, and the
 * shared buffer stores them); a condition parses an event once and reuses the tree.
 */
final class SequencePattern {
    static final String ABSENT = "absent";

    private SequencePattern() {}

    static String step(int i) {
        return "s" + i;
    }

    /**
     * @param ruleJson the rule's JSON form, which the conditions keep (flink-cep checks that
     *     conditions serialise) and compile on first use
     */
    static Pattern<String, String> compile(Rule.Sequence sequence, String ruleJson) {
        Pattern<String, String> p = null;
        for (int i = 0; i < sequence.steps().size(); i++) {
            Rule.Step step = sequence.steps().get(i);
            p =
                    p == null
                            ? Pattern.begin(step(0), AfterMatchSkipStrategy.skipPastLastEvent())
                            : p.followedBy(step(i));
            p = p.where(new StepCondition(ruleJson, i));
            if (step.times() > 1) {
                p = p.times(step.times());
            }
        }
        if (sequence.absent() != null) {
            p =
                    p.notFollowedBy(ABSENT)
                            .where(new StepCondition(ruleJson, StepCondition.ABSENT_STEP));
        }
        return p.within(Duration.ofMillis(sequence.withinMillis()));
    }

    /** Whether an event fits a step: the kind of event, then the step's condition. */
    static final class StepCondition extends SimpleCondition<String> {
        private static final long serialVersionUID = 1L;
        static final int ABSENT_STEP = -1;

        private final String ruleJson;
        private final int step;
        private transient EventSelector selector;
        private transient CompiledCondition where;

        StepCondition(String ruleJson, int step) {
            this.ruleJson = ruleJson;
            this.step = step;
        }

        @Override
        public boolean filter(String json) throws Exception {
            if (selector == null) {
                Rule.Sequence seq =
                        (Rule.Sequence)
                                RuleJson.fromJson(EventJson.mapper().readTree(ruleJson)).trigger();
                EventPattern pattern =
                        step == ABSENT_STEP ? seq.absent() : seq.steps().get(step).event();
                where =
                        pattern.where() == null
                                ? CompiledCondition.always()
                                : CompiledCondition.compile(pattern.where());
                selector = pattern.selector();
            }
            JsonNode event = ParsedEvent.of(json);
            return selects(selector, event) && where.test(event);
        }
    }

    static boolean selects(EventSelector selector, JsonNode event) {
        String type = event.path("type").asText();
        return switch (selector.kind()) {
            case ANY -> true;
            case TYPE -> selector.name().equals(type);
            case CUSTOM ->
                    "custom".equals(type) && selector.name().equals(event.path("name").asText());
        };
    }

    /**
     * The parsed form of the event being processed: every condition the NFA evaluates for one event
     * sees the same string, so it is parsed once.
     */
    static final class ParsedEvent {
        private static final ThreadLocal<Object[]> LAST =
                ThreadLocal.withInitial(() -> new Object[2]);

        private ParsedEvent() {}

        static JsonNode of(String json) {
            Object[] last = LAST.get();
            if (last[0] != json) {
                try {
                    last[1] = EventJson.mapper().readTree(json);
                } catch (IOException e) {
                    throw new UncheckedIOException("an event in the shared buffer is not JSON", e);
                }
                last[0] = json;
            }
            return (JsonNode) last[1];
        }
    }
}
