package io.causality.jobs.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What one group of a detector remembers between windows: the previous window's value (change
 * alerts), its alert state, its baseline (deviation alerts), and when it last sent an event as far
 * as the closed windows tell. Read and written when a window closes, never per event.
 */
final class GroupMemory {
    double previous = Double.NaN;

    /** The format of {@link #write}; a value of another format does not read. */
    static final byte FORMAT = 1;

    /** Start of the group's first slide: windows that start before it saw only part of it. */
    long firstSlide = Long.MIN_VALUE;

    /** Event time of the group's latest event in a closed window; MIN_VALUE for none yet. */
    long lastSeen = Long.MIN_VALUE;

    FlapState flap = new FlapState();

    /** Null unless the detector's alert is a deviation. */
    Baseline baseline;

    /** Writes the memory in the format {@link #read} reads (state and savepoints). */
    void write(DataOutput out) throws IOException {
        out.writeByte(FORMAT);
        out.writeLong(firstSlide);
        out.writeDouble(previous);
        out.writeLong(lastSeen);
        flap.write(out);
        out.writeBoolean(baseline != null);
        if (baseline != null) {
            baseline.write(out);
        }
    }

    static GroupMemory read(DataInput in) throws IOException {
        if (in.readByte() != FORMAT) {
            throw new IOException("group memory of an unknown format");
        }
        GroupMemory m = new GroupMemory();
        m.firstSlide = in.readLong();
        m.previous = in.readDouble();
        m.lastSeen = in.readLong();
        m.flap = FlapState.read(in);
        if (in.readBoolean()) {
            m.baseline = Baseline.read(in);
        }
        return m;
    }
}
