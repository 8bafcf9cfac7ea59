package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * What earlier windows of one group measured, for deviation alerts: the last {@code depth} values,
 * or, seasonal, the last {@code depth} values of each slot of the season (the window ending at
 * 03:00 is compared with the windows that ended at 03:00 on earlier days). Windows without a value
 * are not recorded.
 */
final class Baseline {
    /** The scale that makes the median absolute deviation estimate sigma on normal data. */
    static final double MAD_SCALE = 1.4826;

    private final int slots;
    private final int depth;

    /** values[slot * depth + i], a ring per slot; counts[slot] values recorded, at most depth. */
    private final double[] values;

    private final int[] counts;
    private final int[] next;

    Baseline(int slots, int depth) {
        this.slots = slots;
        this.depth = depth;
        this.values = new double[slots * depth];
        this.counts = new int[slots];
        this.next = new int[slots];
    }

    /** Slots of a season: one per slide; 1 without a season. */
    static int slots(long periodMillis, long slideMillis) {
        return periodMillis == 0 ? 1 : (int) (periodMillis / slideMillis);
    }

    int slotOf(long windowEndMillis, long slideMillis) {
        return slots == 1 ? 0 : (int) Math.floorMod(windowEndMillis / slideMillis, (long) slots);
    }

    void record(int slot, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        values[slot * depth + next[slot]] = value;
        next[slot] = (next[slot] + 1) % depth;
        counts[slot] = Math.min(depth, counts[slot] + 1);
    }

    int known(int slot) {
        return counts[slot];
    }

    /** The values of a slot, oldest first. */
    double[] history(int slot) {
        int n = counts[slot];
        double[] out = new double[n];
        int start = n < depth ? 0 : next[slot];
        for (int i = 0; i < n; i++) {
            out[i] = values[slot * depth + (start + i) % depth];
        }
        return out;
    }

    /** Mean and standard deviation (population) of a slot's values. */
    static double[] meanAndSigma(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double sq = 0;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(sq / v.length)};
    }

    /** Median and scaled median absolute deviation of a slot's values. */
    static double[] medianAndMad(double[] v) {
        double median = median(v.clone());
        double[] dev = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            dev[i] = Math.abs(v[i] - median);
        }
        return new double[] {median, MAD_SCALE * median(dev)};
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    int slots() {
        return slots;
    }

    boolean fits(int slots, int depth) {
        return this.slots == slots && this.depth == depth;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(slots);
        out.writeInt(depth);
        for (int s = 0; s < slots; s++) {
            out.writeShort(counts[s]);
            double[] h = history(s);
            for (double x : h) {
                out.writeDouble(x);
            }
        }
    }

    static Baseline read(DataInput in) throws IOException {
        Baseline b = new Baseline(in.readInt(), in.readInt());
        for (int s = 0; s < b.slots; s++) {
            int n = in.readShort();
            for (int i = 0; i < n; i++) {
                b.record(s, in.readDouble());
            }
        }
        return b;
    }
}
