package io.causality.jobs.common;

import io.causality.contracts.MetricNames;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets the first event of each key through and drops the rest, so a client retry or a replay counts
 * once (the lake stores it once, a rule sees it once). {@link UniqueEvents} keys it by (app, event
 * id); the "seen" flag expires after the TTL, which bounds the state to the ids of one TTL.
 *
 * @param <T> the events, in whatever form the job keeps them
 */
public final class Deduplicator<T> extends KeyedProcessFunction<String, T, T> {
    private static final long serialVersionUID = 1L;
    public static final String DUPLICATES_METRIC = MetricNames.DUPLICATES_DROPPED;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public Deduplicator(Duration ttl) {
        this.ttl = ttl;
    }

    /** The state of this operator, shared with its tests. */
    public static ValueStateDescriptor<Boolean> seenDescriptor(Duration ttl) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        // Expired ids are never returned, so after the TTL the same id counts as new again.
        d.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        // Savepoints and full checkpoints leave expired ids out.
                        .cleanupFullSnapshot()
                        // In heap state, one entry looked at per access (not the default five):
                        // every id is still visited within as many accesses as there are ids.
                        .cleanupIncrementally(1, false)
                        // In RocksDB, compaction drops expired ids.
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
        return d;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getState(seenDescriptor(ttl));
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }
}
