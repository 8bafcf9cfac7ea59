package io.causality.jobs.common;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The execution environment every job's {@code main} starts from. */
public final class JobEnvironment {
    private JobEnvironment() {}

    /** Exactly-once checkpoints at the interval; no Kryo fall-back for record types. */
    public static StreamExecutionEnvironment create(Duration checkpointInterval) {
        Configuration flink = new Configuration();
        // Every record type must have a Flink serializer; a fall-back to Kryo is a bug.
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        return env;
    }
}
