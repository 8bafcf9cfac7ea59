package io.causality.jobs.reaction;

import io.causality.jobs.common.RuleUpdate;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The evaluator's operator: Flink's broadcast operator, which also holds event time back while the
 * evaluator holds events for the rules topic. Without that, the events' watermark would run on past
 * the held events, and once released they would be late for every sequence. It also ends the wait
 * when it runs out on a quiet system, where no event or rule record would notice.
 */
final class HoldingBroadcastOperator
        extends CoBroadcastWithNonKeyedOperator<
                io.causality.jobs.common.EventRecord, RuleUpdate, RuleMatch> {
    private static final long serialVersionUID = 1L;

    private transient Watermark held;

    HoldingBroadcastOperator(
            RuleEvaluator evaluator, List<MapStateDescriptor<?, ?>> broadcastStates) {
        super(evaluator, broadcastStates);
    }

    private RuleEvaluator evaluator() {
        return (RuleEvaluator) getUserFunction();
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (evaluator().holding()) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(
                            now + evaluator().limits().startupWait().toMillis(),
                            time -> {
                                evaluator().releaseOverdue(sideOutputs(), matches());
                                releaseTime();
                            });
        }
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        if (evaluator().holding()) {
            held = mark;
            return;
        }
        super.processWatermark1(mark);
    }

    @Override
    public void processElement1(StreamRecord<io.causality.jobs.common.EventRecord> element)
            throws Exception {
        super.processElement1(element);
        releaseTime();
    }

    @Override
    public void processElement2(StreamRecord<RuleUpdate> element) throws Exception {
        super.processElement2(element);
        releaseTime();
    }

    /** Once the held events are out, event time moves on to where the input has got to. */
    private void releaseTime() throws Exception {
        if (held != null && !evaluator().holding()) {
            Watermark mark = held;
            held = null;
            super.processWatermark1(mark);
        }
    }

    private TimestampedCollector<RuleMatch> matches() {
        return new TimestampedCollector<>(output);
    }

    private SideOutputs sideOutputs() {
        return new SideOutputs() {
            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                HoldingBroadcastOperator.this.output.collect(tag, new StreamRecord<>(value));
            }
        };
    }
}
