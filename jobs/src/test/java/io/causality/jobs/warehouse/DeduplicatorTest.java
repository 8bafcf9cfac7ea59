package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.jobs.common.Deduplicator;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
    private static final Duration TTL = Duration.ofHours(24);
    private KeyedOneInputStreamOperatorTestHarness<String, LakeRow, LakeRow> harness;

    private static LakeRow row(String id) {
        return new LakeRow(id, "shop", Events.T0.toEpochMilli(), new byte[0]);
    }

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new Deduplicator<LakeRow>(TTL), r -> r.eventId, Types.STRING);
        harness.setStateTtlProcessingTime(0);
    }

    @Test
    void firstOfEachIdPassesTheRestAreDropped() throws Exception {
        for (String id : new String[] {"a", "b", "a", "c", "b", "a"}) {
            harness.processElement(row(id), 0);
        }
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.eventId)
                .containsExactly("a", "b", "c");
    }

    @Test
    void anIdIsForgottenAfterTheTtlAndStateGoesBackToZero() throws Exception {
        harness.processElement(row("a"), 0);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        harness.processElement(row("a"), 0);
        assertThat(harness.extractOutputValues()).hasSize(1);

        harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
        harness.processElement(row("a"), 0);
        assertThat(harness.extractOutputValues())
                .as("after the TTL the id counts as new")
                .hasSize(2);

        // Expired ids are left out of snapshots: a job restored after the TTL holds none of them.
        harness.processElement(row("b"), 0);
        harness.setStateTtlProcessingTime(10 * TTL.toMillis());
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        KeyedOneInputStreamOperatorTestHarness<String, LakeRow, LakeRow> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new Deduplicator<LakeRow>(TTL)),
                        r -> r.eventId,
                        Types.STRING);
        restored.setStateTtlProcessingTime(10 * TTL.toMillis());
        restored.initializeState(snapshot);
        restored.open();
        assertThat(restored.numKeyedStateEntries()).isZero();
        restored.close();
    }
}
