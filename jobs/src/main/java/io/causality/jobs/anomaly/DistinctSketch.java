package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The distinct values of one slide, for {@code distinct count}: exact up to {@value #EXACT} values
 * (their 64-bit hashes, sorted), then a HyperLogLog of 2^{@value #P} one-byte registers (1 KiB,
 * about 3 % standard error). Sketches of a window's slides merge into one, so a sliding window
 * counts a value once however many of its slides saw it.
 */
final class DistinctSketch {
    static final int EXACT = 64;
    static final int P = 10;
    private static final int M = 1 << P;

    /** Sorted distinct hashes while exact; null once registers are used. */
    private long[] hashes = new long[0];

    private byte[] registers;

    void add(long hash) {
        if (registers != null) {
            addToRegisters(registers, hash);
            return;
        }
        int at = Arrays.binarySearch(hashes, hash);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        long[] grown = new long[hashes.length + 1];
        System.arraycopy(hashes, 0, grown, 0, insert);
        grown[insert] = hash;
        System.arraycopy(hashes, insert, grown, insert + 1, hashes.length - insert);
        hashes = grown;
        if (hashes.length > EXACT) {
            toRegisters();
        }
    }

    void merge(DistinctSketch other) {
        if (other.registers == null) {
            for (long h : other.hashes) {
                add(h);
            }
            return;
        }
        if (registers == null) {
            toRegisters();
        }
        for (int i = 0; i < M; i++) {
            registers[i] = (byte) Math.max(registers[i], other.registers[i]);
        }
    }

    long estimate() {
        if (registers == null) {
            return hashes.length;
        }
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.pow(2, -r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double raw = alpha * M * M / sum;
        if (raw <= 2.5 * M && zeros > 0) {
            raw = M * Math.log((double) M / zeros); // linear counting for small numbers
        }
        return Math.round(raw);
    }

    private void toRegisters() {
        registers = new byte[M];
        for (long h : hashes) {
            addToRegisters(registers, h);
        }
        hashes = null;
    }

    private static void addToRegisters(byte[] registers, long hash) {
        int index = (int) (hash >>> (64 - P));
        long rest = hash << P | (1L << (P - 1)); // a stop bit: rank at most 64 - P + 1
        int rank = Long.numberOfLeadingZeros(rest) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    void write(DataOutput out) throws IOException {
        if (registers == null) {
            out.writeShort(hashes.length);
            for (long h : hashes) {
                out.writeLong(h);
            }
        } else {
            out.writeShort(-1);
            out.write(registers);
        }
    }

    static DistinctSketch read(DataInput in) throws IOException {
        DistinctSketch s = new DistinctSketch();
        int n = in.readShort();
        if (n < 0) {
            s.hashes = null;
            s.registers = new byte[M];
            in.readFully(s.registers);
        } else {
            s.hashes = new long[n];
            for (int i = 0; i < n; i++) {
                s.hashes[i] = in.readLong();
            }
        }
        return s;
    }
}
