package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open slides of one group, by their start: what an event updates. Kept apart from the group's
 * {@link GroupMemory} (its baseline may be large), so that an event reads and writes only this.
 */
final class GroupSlides {
    /** The format of {@link #write}; a value of another format does not read. */
    static final byte FORMAT = 1;

    final TreeMap<Long, Slide> slides = new TreeMap<>();

    Slide at(long start) {
        return slides.computeIfAbsent(start, k -> new Slide());
    }

    /** The slides of the window {@code [end - size, end)}, merged. */
    Slide window(long end, long size) {
        Slide merged = new Slide();
        for (Map.Entry<Long, Slide> e : slides.subMap(end - size, end).entrySet()) {
            merged.merge(e.getValue());
        }
        return merged;
    }

    /** Event time of the latest event in the slides that start before {@code end}. */
    long lastBefore(long end) {
        long last = Long.MIN_VALUE;
        for (Slide s : slides.headMap(end).values()) {
            last = Math.max(last, s.last);
        }
        return last;
    }

    /** Drops the slides that start before {@code start}: no window still to close reads them. */
    void dropBefore(long start) {
        slides.headMap(start).clear();
    }

    /** Writes the slides in the format {@link #read} reads (state and savepoints). */
    void write(DataOutput out) throws IOException {
        out.writeByte(FORMAT);
        out.writeInt(slides.size());
        for (Map.Entry<Long, Slide> e : slides.entrySet()) {
            out.writeLong(e.getKey());
            e.getValue().write(out);
        }
    }

    static GroupSlides read(DataInput in) throws IOException {
        if (in.readByte() != FORMAT) {
            throw new IOException("slides of an unknown format");
        }
        GroupSlides g = new GroupSlides();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            g.slides.put(in.readLong(), Slide.read(in));
        }
        return g;
    }
}
