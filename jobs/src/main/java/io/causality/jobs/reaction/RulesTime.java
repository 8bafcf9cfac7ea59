package io.causality.jobs.reaction;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the rules stream: none. Its source emits the final watermark, so that in the
 * operators that join rules and events only the events' watermark moves the clock (otherwise the
 * rules input would hold event time back forever, and no window would close).
 */
final class RulesTime {
    private RulesTime() {}

    static WatermarkStrategy<RuleUpdate> strategy() {
        return WatermarkStrategy.forGenerator(
                context ->
                        new WatermarkGenerator<RuleUpdate>() {
                            @Override
                            public void onEvent(
                                    RuleUpdate event, long timestamp, WatermarkOutput out) {}

                            @Override
                            public void onPeriodicEmit(WatermarkOutput out) {
                                out.emitWatermark(new Watermark(Long.MAX_VALUE));
                            }
                        });
    }
}
