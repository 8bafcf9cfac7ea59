package io.causality.jobs.common;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for the events: bounded out-of-orderness over the Kafka record times while events
 * flow, and, once a partition has been quiet for a while, the wall clock minus that while and the
 * bound. Flink's idleness would only stop a quiet partition from holding time back; with no events
 * at all nothing would move time, and an absence ("no purchase within 30 minutes") would never fire
 * on a quiet system. Worse, an idle events input lets the other input of an operator set its time
 * alone. Record times are set by the ingest when it stores an event, so they follow the wall clock
 * and this does not make live events late.
 *
 * <p>Before its first event a generator says nothing about time. For the quiet time after it was
 * created it holds the others back (a partition whose first fetch comes a few seconds after its
 * neighbours' must not find time already past its backlog: reading a backlog from the start, the
 * chaos test saw sequences of the late partitions dropped as late); after that, with still no
 * event, it marks its output idle: a partition that has had no records since the job started must
 * not hold the others back for longer, and the source's own output, which never sees records (Kafka
 * emits through one output per partition), must not run ahead of partitions still reading a
 * backlog.
 */
public final class QuietTimeWatermarks<T> implements WatermarkGenerator<T> {
    private final long bound;
    private final long quietAfter;
    private final LongSupplier wallClock;
    private long maxTimestamp;
    private long lastEventAt;
    private final long createdAt;
    private boolean seen;
    private long emitted = Long.MIN_VALUE;

    QuietTimeWatermarks(Duration bound, Duration quietAfter, LongSupplier wallClock) {
        this.bound = bound.toMillis();
        this.quietAfter = quietAfter.toMillis();
        this.wallClock = wallClock;
        this.maxTimestamp = Long.MIN_VALUE + this.bound + 1;
        this.lastEventAt = wallClock.getAsLong();
        this.createdAt = lastEventAt;
    }

    public static <T> WatermarkStrategy<T> strategy(Duration bound, Duration quietAfter) {
        return WatermarkStrategy.forGenerator(
                context -> new QuietTimeWatermarks<>(bound, quietAfter, System::currentTimeMillis));
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        lastEventAt = wallClock.getAsLong();
        seen = true;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = wallClock.getAsLong();
        if (!seen) {
            if (now - createdAt >= quietAfter) {
                output.markIdle();
            }
            return;
        }
        long watermark = maxTimestamp - bound - 1;
        if (now - lastEventAt >= quietAfter) {
            watermark = Math.max(watermark, now - quietAfter - bound);
        }
        // Never backwards.
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
