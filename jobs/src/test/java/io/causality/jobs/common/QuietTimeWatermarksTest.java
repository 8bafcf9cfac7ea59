package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QuietTimeWatermarksTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final List<Long> emitted = new ArrayList<>();
    private int idleMarks;
    private final WatermarkOutput out =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    emitted.add(watermark.getTimestamp());
                }

                @Override
                public void markIdle() {
                    idleMarks++;
                }

                @Override
                public void markActive() {}
            };

    @Test
    void followsTheRecordsWhileTheyFlowAndTheClockWhenQuiet() {
        var gen =
                new QuietTimeWatermarks<String>(
                        Duration.ofSeconds(10), Duration.ofMinutes(1), wall::get);
        gen.onPeriodicEmit(out);
        assertThat(idleMarks)
                .as("nothing seen yet: for the quiet time it holds the others back")
                .isZero();
        wall.addAndGet(120_000);
        gen.onPeriodicEmit(out);
        assertThat(emitted).as("nothing seen: no time, however long it has been").isEmpty();
        assertThat(idleMarks).as("then idle, holding nothing back").isEqualTo(1);
        wall.addAndGet(-120_000);

        gen.onEvent("e", 1_000_000, out);
        gen.onPeriodicEmit(out);
        assertThat(emitted).containsExactly(1_000_000 - 10_000 - 1L);

        // A minute without events: time moves with the clock, minus the quiet time and bound.
        wall.addAndGet(90_000);
        gen.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(1_090_000 - 60_000 - 10_000L);

        // An older record does not move it back.
        gen.onEvent("old", 900_000, out);
        gen.onPeriodicEmit(out);
        assertThat(emitted).hasSize(2);
    }

    @Test
    void theRulesStreamIsIdleAndNeverMovesTime() {
        var rules = new RulesTime.Idle();
        rules.onEvent(new RuleUpdate("r", new byte[0], "rules", 0, 0), Long.MAX_VALUE, out);
        rules.onPeriodicEmit(out);
        assertThat(emitted).isEmpty();
        assertThat(idleMarks).isEqualTo(1);
    }
}
