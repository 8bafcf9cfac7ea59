package io.causality.jobs.common;

import io.causality.contracts.MetricNames;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/**
 * How every operator sends a record it cannot process to the dead-letter topic: one side output,
 * one counter ({@code deadLetters}), the reason with it. Nothing is dropped in silence.
 */
public final class DeadLetters {
    /** The side output of every operator that has dead letters; the job unions and sinks them. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final Counter counter;

    private DeadLetters(Counter counter) {
        this.counter = counter;
    }

    /** Registers the counter in the operator's metric group; call from {@code open}. */
    public static DeadLetters open(MetricGroup metrics) {
        return new DeadLetters(metrics.counter(MetricNames.DEAD_LETTERS));
    }

    /**
     * Counts the letter and hands it to the side output ({@code ctx::output} of whichever context
     * the operator has).
     */
    public void send(BiConsumer<OutputTag<DeadLetter>, DeadLetter> output, DeadLetter letter) {
        counter.inc();
        output.accept(TAG, letter);
    }

    public long count() {
        return counter.getCount();
    }
}
