package io.causality.jobs.reaction;

import io.causality.jobs.common.EventRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * Events that arrive at the evaluator before it has applied the rules the topic held when the job
 * started wait here, in order, and are evaluated once it has: rules and events come by separate
 * sources, and a rule deployed before an event was sent must see that event. The wait is bounded
 * (time and count, {@link RuleLimits}), so a rules topic that cannot be read delays events, never
 * stops them.
 */
final class RulesAtStart {
    private final Map<Integer, Long> expected;
    private final long deadline;
    private final int heldAtMost;
    private final List<EventRecord> held = new ArrayList<>();
    private boolean done;

    /**
     * @param expected the last record offset of each partition of the rules topic at start
     */
    RulesAtStart(Map<Integer, Long> expected, long now, RuleLimits limits) {
        this.expected = Map.copyOf(expected);
        this.deadline = now + limits.startupWait().toMillis();
        this.heldAtMost = limits.heldAtMost();
    }

    boolean waiting() {
        return !done;
    }

    /**
     * Whether the rules applied so far reach the end the topic had at start. Rules restored from a
     * savepoint taken before read positions were kept count as read.
     */
    boolean caughtUp(ReadOnlyBroadcastState<Integer, Long> read, boolean restoredRules)
            throws Exception {
        if (!read.immutableEntries().iterator().hasNext() && restoredRules) {
            return true;
        }
        for (Map.Entry<Integer, Long> e : expected.entrySet()) {
            Long applied = read.get(e.getKey());
            if (applied == null || applied < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the wait has run out: too long, or too many events held. */
    boolean overdue(long now) {
        return now >= deadline || held.size() >= heldAtMost;
    }

    void hold(EventRecord event) {
        held.add(event);
    }

    int held() {
        return held.size();
    }

    /** Ends the wait: the events held, in the order they came. */
    List<EventRecord> release() {
        done = true;
        List<EventRecord> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /** For the checkpoint: events still waiting. */
    List<EventRecord> snapshot() {
        return List.copyOf(held);
    }

    /** Events that were waiting when the checkpoint was taken wait again. */
    void restore(Iterable<EventRecord> events) {
        events.forEach(held::add);
    }
}
