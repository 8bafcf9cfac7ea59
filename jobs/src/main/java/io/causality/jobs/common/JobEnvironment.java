package io.causality.jobs.common;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The execution environment every job's {@code main} starts from, and the tests too. */
public final class JobEnvironment {
    private JobEnvironment() {}

    /**
     * How long a network buffer may wait to fill before it is sent on, in the jobs whose output
     * people wait for (the reaction and delivery jobs). Flink's 100 ms default is per exchange, and
     * a match crosses several on its way to a webhook; at these jobs' record rates a fuller buffer
     * saves nothing worth that (docs/delivery.md, the latency measurements).
     */
    public static final Duration LOW_LATENCY_BUFFER_TIMEOUT = Duration.ofMillis(5);

    /** Exactly-once checkpoints at the interval, with {@link #configure} applied. */
    public static StreamExecutionEnvironment create(Duration checkpointInterval) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configure(new Configuration()));
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    /** As {@link #create}, for a job whose records people wait for. */
    public static StreamExecutionEnvironment createLowLatency(Duration checkpointInterval) {
        StreamExecutionEnvironment env = create(checkpointInterval);
        env.setBufferTimeout(LOW_LATENCY_BUFFER_TIMEOUT.toMillis());
        return env;
    }

    /**
     * What every job runs with: no Kryo fall-back for record types (a type without a Flink
     * serializer is a bug), and no generated uids, so that an operator without a stable uid fails
     * at submission instead of making its state unrestorable.
     */
    public static Configuration configure(Configuration flink) {
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        return flink;
    }
}
