package io.causality.jobs.warehouse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * The Hive partition of an event: {@code app_id=<app>/dt=<yyyy-MM-dd>/hour=<H>} by its event time
 * in UTC, so a late event lands in the hour it happened, not the hour it arrived.
 */
public final class PartitionPath implements BucketAssigner<LakeRow, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(LakeRow row, Context context) {
        return of(row.appId, row.eventTime);
    }

    public static String of(String appId, long eventTimeMillis) {
        ZonedDateTime t = Instant.ofEpochMilli(eventTimeMillis).atZone(ZoneOffset.UTC);
        return String.format(
                "app_id=%s/dt=%04d-%02d-%02d/hour=%d",
                appId, t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
