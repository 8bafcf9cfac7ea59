package io.causality.jobs.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open slides of one group, by their start: what an event updates. Kept apart from the group's
 * {@link GroupMemory} (its baseline may be large), so that an event reads and writes only this.
 */
final class GroupSlides {
    /** The format of {@link #encode}; a value of another format does not decode. */
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

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeInt(slides.size());
            for (Map.Entry<Long, Slide> e : slides.entrySet()) {
                out.writeLong(e.getKey());
                e.getValue().write(out);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GroupSlides decode(byte[] b) {
        GroupSlides g = new GroupSlides();
        if (b == null) {
            return g;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            if (in.readByte() != FORMAT) {
                throw new IOException("slides of an unknown format");
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                g.slides.put(in.readLong(), Slide.read(in));
            }
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
