package io.causality.jobs.anomaly;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How a group's state ({@link SharedSlides}, {@link GroupMemory}) is kept in Flink state: as the
 * object itself, which the heap backend holds by reference, so an event updates it in place instead
 * of decoding and encoding it; RocksDB and savepoints use the format of {@code write} and {@code
 * read}. A copy (taken by the heap backend while a snapshot runs) goes through that format too, so
 * there is one definition of what the state holds.
 */
public abstract sealed class GroupStateSerializer<T> extends TypeSerializerSingleton<T>
        permits GroupStateSerializer.Slides, GroupStateSerializer.Memory {
    private static final long serialVersionUID = 1L;

    abstract void write(T value, DataOutputView out) throws IOException;

    abstract T read(DataInputView in) throws IOException;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public T copy(T from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(128);
            write(from, out);
            return read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T value, DataOutputView out) throws IOException {
        write(value, out);
    }

    @Override
    public T deserialize(DataInputView in) throws IOException {
        return read(in);
    }

    @Override
    public T deserialize(T reuse, DataInputView in) throws IOException {
        return read(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        write(read(in), out);
    }

    /** The open slides of a group, for the detectors that group alike. */
    public static final class Slides extends GroupStateSerializer<SharedSlides> {
        private static final long serialVersionUID = 1L;
        static final Slides INSTANCE = new Slides();

        @Override
        void write(SharedSlides value, DataOutputView out) throws IOException {
            value.write(out);
        }

        @Override
        SharedSlides read(DataInputView in) throws IOException {
            return SharedSlides.read(in);
        }

        @Override
        public SharedSlides createInstance() {
            return new SharedSlides();
        }

        @Override
        public TypeSerializerSnapshot<SharedSlides> snapshotConfiguration() {
            return new SlidesSnapshot();
        }
    }

    /** The memory of a group between windows. */
    public static final class Memory extends GroupStateSerializer<GroupMemory> {
        private static final long serialVersionUID = 1L;
        static final Memory INSTANCE = new Memory();

        @Override
        void write(GroupMemory value, DataOutputView out) throws IOException {
            value.write(out);
        }

        @Override
        GroupMemory read(DataInputView in) throws IOException {
            return GroupMemory.read(in);
        }

        @Override
        public GroupMemory createInstance() {
            return new GroupMemory();
        }

        @Override
        public TypeSerializerSnapshot<GroupMemory> snapshotConfiguration() {
            return new MemorySnapshot();
        }
    }

    /** Restores {@link Slides}; Flink creates it by name from a savepoint. */
    public static final class SlidesSnapshot extends SimpleTypeSerializerSnapshot<SharedSlides> {
        public SlidesSnapshot() {
            super(() -> Slides.INSTANCE);
        }
    }

    /** Restores {@link Memory}; Flink creates it by name from a savepoint. */
    public static final class MemorySnapshot extends SimpleTypeSerializerSnapshot<GroupMemory> {
        public MemorySnapshot() {
            super(() -> Memory.INSTANCE);
        }
    }
}
