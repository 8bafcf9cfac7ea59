package io.causality.jobs.warehouse;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/** The Hive partition of a decision: {@code app_id=<app>/dt=<yyyy-MM-dd>} by its time in UTC. */
public final class DecisionPartition implements BucketAssigner<DecisionRow, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(DecisionRow row, Context context) {
        return PartitionPath.day(row.appId, row.time).toString();
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
