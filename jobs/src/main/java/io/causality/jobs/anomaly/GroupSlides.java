package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The open slides of one detector and group, by their start: what an event updates. Kept apart from
 * the group's {@link GroupMemory} (its baseline may be large), so that an event reads and writes
 * only this.
 */
final class GroupSlides {
    /** The format of {@link #write}; a value of another format does not read. */
    static final byte FORMAT = 1;

    /**
     * The slides' starts, ascending, and the slides: arrays rather than a sorted map, as a group
     * has a few open slides and an event finds its own in memory that is close together.
     */
    private long[] starts = new long[2];

    private Slide[] slides = new Slide[2];
    private int size;

    Slide at(long start) {
        // Events mostly fall in the newest slide.
        if (size > 0 && starts[size - 1] == start) {
            return slides[size - 1];
        }
        int at = Arrays.binarySearch(starts, 0, size, start);
        if (at >= 0) {
            return slides[at];
        }
        int insert = -at - 1;
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            slides = Arrays.copyOf(slides, size * 2);
        }
        System.arraycopy(starts, insert, starts, insert + 1, size - insert);
        System.arraycopy(slides, insert, slides, insert + 1, size - insert);
        starts[insert] = start;
        slides[insert] = new Slide();
        size++;
        return slides[insert];
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The slides of the window {@code [end - size, end)}, merged. */
    Slide window(long end, long windowSize) {
        Slide merged = new Slide();
        for (int i = 0; i < size; i++) {
            if (starts[i] >= end - windowSize && starts[i] < end) {
                merged.merge(slides[i]);
            }
        }
        return merged;
    }

    /** Event time of the latest event in the slides that start before {@code end}. */
    long lastBefore(long end) {
        long last = Long.MIN_VALUE;
        for (int i = 0; i < size && starts[i] < end; i++) {
            last = Math.max(last, slides[i].last);
        }
        return last;
    }

    /** Drops the slides that start before {@code start}: no window still to close reads them. */
    void dropBefore(long start) {
        int keep = 0;
        while (keep < size && starts[keep] < start) {
            keep++;
        }
        if (keep == 0) {
            return;
        }
        System.arraycopy(starts, keep, starts, 0, size - keep);
        System.arraycopy(slides, keep, slides, 0, size - keep);
        Arrays.fill(slides, size - keep, size, null);
        size -= keep;
    }

    /** Writes the slides in the format {@link #read} reads (state and savepoints). */
    void write(DataOutput out) throws IOException {
        out.writeByte(FORMAT);
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeLong(starts[i]);
            slides[i].write(out);
        }
    }

    static GroupSlides read(DataInput in) throws IOException {
        if (in.readByte() != FORMAT) {
            throw new IOException("slides of an unknown format");
        }
        GroupSlides g = new GroupSlides();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long start = in.readLong();
            Slide s = Slide.read(in);
            if (g.size > 0 && start <= g.starts[g.size - 1]) {
                throw new IOException("slides out of order");
            }
            g.at(start);
            g.slides[g.size - 1] = s;
        }
        return g;
    }
}
