package io.causality.jobs.warehouse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A lake row's column values in one byte array, in {@code LakeSchema.columns()} order: per column a
 * marker byte (0 absent, 1 present), then the value as its type needs it (strings as a length and
 * their UTF-8 bytes, longs and doubles in 8 bytes, ints in 4, booleans in 1). Flink copies one
 * array between operators instead of (de)coding some fifty strings, and the Parquet writer takes
 * the strings' UTF-8 bytes as they are.
 */
final class PackedColumns {
    private byte[] bytes = new byte[1024];
    private int size;

    /** Empties the buffer for the next row; {@link #toBytes} copies, so nothing is shared. */
    PackedColumns reset() {
        size = 0;
        return this;
    }

    void absent() {
        ensure(1);
        bytes[size++] = 0;
    }

    void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        utf8(utf8, 0, utf8.length);
    }

    /** A string given as UTF-8 bytes, copied from {@code src}. */
    void utf8(byte[] src, int offset, int length) {
        ensure(1 + 5 + length);
        bytes[size++] = 1;
        writeVarInt(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    void int64(long v) {
        ensure(9);
        bytes[size++] = 1;
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (v >>> shift);
        }
    }

    void int32(int v) {
        ensure(5);
        bytes[size++] = 1;
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (v >>> shift);
        }
    }

    void float64(double v) {
        int64(Double.doubleToRawLongBits(v));
    }

    void bool(boolean v) {
        ensure(2);
        bytes[size++] = 1;
        bytes[size++] = (byte) (v ? 1 : 0);
    }

    byte[] toBytes() {
        return Arrays.copyOf(bytes, size);
    }

    private void writeVarInt(int v) {
        while ((v & ~0x7F) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    /** Reads the values back in column order. */
    static final class Reader {
        private final byte[] bytes;
        private int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Whether the next column has a value; if not, it is consumed. */
        boolean present() {
            return bytes[pos++] == 1;
        }

        /** The next string's UTF-8 bytes, as offset and length into {@link #bytes()}. */
        int stringLength() {
            int v = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[pos++];
                v |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
        }

        int position() {
            return pos;
        }

        void skip(int n) {
            pos += n;
        }

        byte[] bytes() {
            return bytes;
        }

        long int64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[pos++] & 0xFF);
            }
            return v;
        }

        int int32() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (bytes[pos++] & 0xFF);
            }
            return v;
        }

        double float64() {
            return Double.longBitsToDouble(int64());
        }

        boolean bool() {
            return bytes[pos++] == 1;
        }
    }
}
