package io.causality.jobs.warehouse;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
        return day(appId, eventTimeMillis)
                .append("/hour=")
                .append(hour(eventTimeMillis))
                .toString();
    }

    /** {@code app_id=<app>/dt=<yyyy-MM-dd>}: the partition of a decision table's row. */
    public static StringBuilder day(String appId, long timeMillis) {
        // Per row: built by hand, String.format would cost more than the rest of the lookup.
        LocalDateTime t =
                LocalDateTime.ofEpochSecond(Math.floorDiv(timeMillis, 1000L), 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(48).append("app_id=").append(appId).append("/dt=");
        pad(b, t.getYear(), 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        return pad(b, t.getDayOfMonth(), 2);
    }

    private static int hour(long timeMillis) {
        return (int) Math.floorMod(Math.floorDiv(timeMillis, 3_600_000L), 24L);
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
