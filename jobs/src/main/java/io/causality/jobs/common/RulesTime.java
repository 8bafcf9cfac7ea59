package io.causality.jobs.common;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the rules stream: none. Its source marks itself idle, so that in the operators that
 * join rules and events only the events' watermark moves the clock. It must not emit the final
 * watermark instead: while the events input is idle (say before the first event after a start), an
 * operator's time would follow the rules input alone, jump to the end of time and stay there, and
 * every later event would be too late for sequences.
 */
public final class RulesTime {
    private RulesTime() {}

    public static WatermarkStrategy<RuleUpdate> strategy() {
        return WatermarkStrategy.forGenerator(context -> new Idle());
    }

    /** Never a watermark; always idle. */
    static final class Idle implements WatermarkGenerator<RuleUpdate> {
        @Override
        public void onEvent(RuleUpdate event, long timestamp, WatermarkOutput out) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            out.markIdle();
        }
    }
}
