package io.causality.jobs.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What one group of a detector remembers between windows: the previous window's value (change
 * alerts), its alert state, its baseline (deviation alerts), and when it last sent an event as far
 * as the closed windows tell. Read and written when a window closes, never per event.
 */
final class GroupMemory {
    double previous = Double.NaN;

    /** The format of {@link #encode}; a value of another format does not decode. */
    static final byte FORMAT = 1;

    /** Start of the group's first slide: windows that start before it saw only part of it. */
    long firstSlide = Long.MIN_VALUE;

    /** Event time of the group's latest event in a closed window; MIN_VALUE for none yet. */
    long lastSeen = Long.MIN_VALUE;

    FlapState flap = new FlapState();

    /** Null unless the detector's alert is a deviation. */
    Baseline baseline;

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeLong(firstSlide);
            out.writeDouble(previous);
            out.writeLong(lastSeen);
            flap.write(out);
            out.writeBoolean(baseline != null);
            if (baseline != null) {
                baseline.write(out);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GroupMemory decode(byte[] b) {
        GroupMemory m = new GroupMemory();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            if (in.readByte() != FORMAT) {
                throw new IOException("group memory of an unknown format");
            }
            m.firstSlide = in.readLong();
            m.previous = in.readDouble();
            m.lastSeen = in.readLong();
            m.flap = FlapState.read(in);
            if (in.readBoolean()) {
                m.baseline = Baseline.read(in);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
