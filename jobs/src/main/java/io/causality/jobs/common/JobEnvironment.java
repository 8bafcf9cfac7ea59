package io.causality.jobs.common;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The execution environment every job's {@code main} starts from, and the tests too. */
public final class JobEnvironment {
    private JobEnvironment() {}

    /** Exactly-once checkpoints at the interval, with {@link #configure} applied. */
    public static StreamExecutionEnvironment create(Duration checkpointInterval) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configure(new Configuration()));
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
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
