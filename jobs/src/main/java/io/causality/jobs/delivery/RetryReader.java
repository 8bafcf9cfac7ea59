package io.causality.jobs.delivery;

import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.RawRecord;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Reads the retry topic back: deliveries waiting for their next attempt, and lane releases. */
final class RetryReader extends ProcessFunction<RawRecord, Delivery> {
    private static final long serialVersionUID = 1L;
    static final String UID = "read-retries";

    private transient DeadLetters deadLetters;

    @Override
    public void open(OpenContext context) {
        deadLetters = DeadLetters.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Delivery> out) {
        try {
            out.collect(DeliveryCodec.read(raw.value));
        } catch (IllegalArgumentException e) {
            deadLetters.send(
                    ctx::output,
                    new DeadLetter(DeliveryJob.NAME, "not a delivery: " + e.getMessage(), raw));
        }
    }
}
