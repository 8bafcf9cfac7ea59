package io.causality.jobs.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistinctSketchTest {
    private static DistinctSketch of(SplittableRandom random, int n, long[] keep) {
        DistinctSketch s = new DistinctSketch();
        for (int i = 0; i < n; i++) {
            long h = random.nextLong();
            if (keep != null && i < keep.length) {
                keep[i] = h;
            }
            s.add(h);
            s.add(h); // a repeat counts once
        }
        return s;
    }

    private static DistinctSketch roundTrip(DistinctSketch s) throws Exception {
        var bytes = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bytes));
        return DistinctSketch.read(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void smallSetsAreExact() throws Exception {
        DistinctSketch s = of(new SplittableRandom(1), DistinctSketch.EXACT, null);
        assertThat(s.estimate()).isEqualTo(DistinctSketch.EXACT);
        assertThat(roundTrip(s).estimate()).isEqualTo(DistinctSketch.EXACT);
    }

    @Test
    void largeSetsAreEstimatedWithinAFewPercent() throws Exception {
        for (int n : new int[] {100, 1_000, 10_000, 200_000}) {
            DistinctSketch s = of(new SplittableRandom(n), n, null);
            assertThat((double) s.estimate()).as("n = %d", n).isBetween(0.9 * n, 1.1 * n);
            assertThat(roundTrip(s).estimate()).isEqualTo(s.estimate());
        }
    }

    @Test
    void mergedSketchesCountTheUnionOnce() {
        SplittableRandom random = new SplittableRandom(7);
        long[] shared = new long[5_000];
        DistinctSketch a = of(random, 5_000, shared);
        DistinctSketch b = new DistinctSketch();
        for (long h : shared) {
            b.add(h); // the same 5,000 values
        }
        for (int i = 0; i < 30; i++) {
            b.add(random.nextLong()); // and 30 more
        }
        DistinctSketch exact = new DistinctSketch();
        exact.add(1);
        a.merge(b);
        a.merge(exact);
        assertThat((double) a.estimate()).isBetween(0.9 * 5_031, 1.1 * 5_031);
    }
}
