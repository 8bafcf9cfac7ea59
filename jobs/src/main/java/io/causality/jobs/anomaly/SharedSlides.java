package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The open slides of one group for the detectors of the app that read the same kinds of event and
 * group by the same paths, by detector: an event that ten such detectors read is one state read and
 * write, not ten. A detector's entry stays (maybe without slides) while its group is kept, and goes
 * with it.
 */
final class SharedSlides {
    /** The format of {@link #write}; a value of another format does not read. */
    static final byte FORMAT = 1;

    /** Detector names and their slides: a few per group, found by a scan of adjacent memory. */
    private String[] names = new String[1];

    private GroupSlides[] parts = new GroupSlides[1];
    private int size;

    GroupSlides get(String detector) {
        for (int i = 0; i < size; i++) {
            // The running detector's own name object, mostly: equals returns at the reference.
            if (names[i].equals(detector)) {
                return parts[i];
            }
        }
        return null;
    }

    void put(String detector, GroupSlides slides) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(detector)) {
                parts[i] = slides;
                return;
            }
        }
        append(detector, slides);
    }

    /** Adds a detector known not to be here. */
    private void append(String detector, GroupSlides slides) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            parts = Arrays.copyOf(parts, size * 2);
        }
        names[size] = detector;
        parts[size++] = slides;
    }

    /** Removes the detector's slides; whether it had any. */
    boolean remove(String detector) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(detector)) {
                System.arraycopy(names, i + 1, names, i, size - i - 1);
                System.arraycopy(parts, i + 1, parts, i, size - i - 1);
                size--;
                names[size] = null;
                parts[size] = null;
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void write(DataOutput out) throws IOException {
        out.writeByte(FORMAT);
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeUTF(names[i]);
            parts[i].write(out);
        }
    }

    static SharedSlides read(DataInput in) throws IOException {
        if (in.readByte() != FORMAT) {
            throw new IOException("shared slides of an unknown format");
        }
        SharedSlides s = new SharedSlides();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            s.append(in.readUTF(), GroupSlides.read(in));
        }
        return s;
    }
}
