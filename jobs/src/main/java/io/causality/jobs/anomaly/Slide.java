package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What one group's events of one slide add up to: enough for every measure, merged over the slides
 * of a window when it closes. Which fields a detector fills depends on its measure: counts for
 * {@code count} and {@code ratio} (numerator and denominator), count, sum, min and max for the
 * aggregates, a {@link DistinctSketch} for {@code distinct count}.
 */
final class Slide {
    long count;
    long denominator;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    DistinctSketch distinct;

    /** Event time of the slide's latest event. */
    long last = Long.MIN_VALUE;

    void addValue(double v) {
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    void addDistinct(long hash) {
        count++;
        if (distinct == null) {
            distinct = new DistinctSketch();
        }
        distinct.add(hash);
    }

    void merge(Slide o) {
        count += o.count;
        denominator += o.denominator;
        sum += o.sum;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        last = Math.max(last, o.last);
        if (o.distinct != null) {
            if (distinct == null) {
                distinct = new DistinctSketch();
            }
            distinct.merge(o.distinct);
        }
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(count);
        out.writeLong(denominator);
        out.writeDouble(sum);
        out.writeDouble(min);
        out.writeDouble(max);
        out.writeLong(last);
        out.writeBoolean(distinct != null);
        if (distinct != null) {
            distinct.write(out);
        }
    }

    static Slide read(DataInput in) throws IOException {
        Slide s = new Slide();
        s.count = in.readLong();
        s.denominator = in.readLong();
        s.sum = in.readDouble();
        s.min = in.readDouble();
        s.max = in.readDouble();
        s.last = in.readLong();
        if (in.readBoolean()) {
            s.distinct = DistinctSketch.read(in);
        }
        return s;
    }
}
