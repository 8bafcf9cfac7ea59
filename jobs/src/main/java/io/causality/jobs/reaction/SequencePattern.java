package io.causality.jobs.reaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.Rule;
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
 * shared buffer stores them); a condition reads the event's tree, parsed once per event, and tests
 * the step the rule compiled. A condition never throws into the NFA (that would leave its state
 * half updated and fail the job): a failure makes the event not fit the step and is left in {@link
 * StepCondition#takeFailure} for the matcher to count and report.
 */
final class SequencePattern {
    static final String ABSENT = "absent";

    private SequencePattern() {}

    static String step(int i) {
        return "s" + i;
    }

    static Pattern<String, String> compile(CompiledRule rule) {
        Rule.Sequence sequence = rule.sequence();
        Pattern<String, String> p = null;
        for (int i = 0; i < sequence.steps().size(); i++) {
            Rule.Step step = sequence.steps().get(i);
            p =
                    p == null
                            ? Pattern.begin(step(0), AfterMatchSkipStrategy.skipPastLastEvent())
                            : p.followedBy(step(i));
            p = p.where(new StepCondition(rule.step(i)));
            if (step.times() > 1) {
                p = p.times(step.times());
            }
        }
        if (sequence.absent() != null) {
            p =
                    p.notFollowedBy(ABSENT)
                            .where(new StepCondition(rule.step(sequence.steps().size())));
        }
        return p.within(Duration.ofMillis(sequence.withinMillis()));
    }

    /**
     * Whether an event fits a step. The compiled step is not serialisable and need not be: the NFA
     * is built in the operator and never leaves it (flink-cep only checks that the condition object
     * serialises).
     */
    static final class StepCondition extends SimpleCondition<String> {
        private static final long serialVersionUID = 1L;

        /** The first failure of a condition since the matcher last asked, on this thread. */
        private static final ThreadLocal<Throwable> FAILURE = new ThreadLocal<>();

        private final transient io.causality.jobs.common.CompiledPattern step;

        StepCondition(io.causality.jobs.common.CompiledPattern step) {
            this.step = step;
        }

        @Override
        public boolean filter(String json) {
            try {
                return step.test(ParsedEvent.of(json));
            } catch (RuntimeException | StackOverflowError e) {
                if (FAILURE.get() == null) {
                    FAILURE.set(e);
                }
                return false;
            }
        }

        /** The failure since the last call, if any, and forgets it. */
        static Throwable takeFailure() {
            Throwable t = FAILURE.get();
            FAILURE.remove();
            return t;
        }
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
