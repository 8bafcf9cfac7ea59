package io.causality.jobs.warehouse;

import io.causality.schemas.lake.LakeColumn;
import io.causality.schemas.lake.LakeSchema;
import java.io.IOException;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Reads lake rows back from a lake Parquet file, for compaction: the compactor reads the small
 * files of a partition with this and writes them into one with the sink's own writer. Reads through
 * Flink's FileSystem, so local paths and S3 work alike.
 */
final class LakeFileReader implements RecordWiseFileCompactor.Reader<LakeRow> {
    private static final List<LakeColumn> COLUMNS = LakeSchema.columns();
    private static final int EVENT_ID = indexOf("event_id");
    private static final int TIMESTAMP = indexOf("timestamp");

    private final ParquetReader<GenericRecord> reader;

    LakeFileReader(Path path) throws IOException {
        this.reader =
                AvroParquetReader.<GenericRecord>builder(new FlinkInputFile(path))
                        .withDataModel(GenericData.get())
                        .build();
    }

    /** The factory the sink's compactor is built with. */
    static final class Factory implements RecordWiseFileCompactor.Reader.Factory<LakeRow> {
        private static final long serialVersionUID = 1L;

        @Override
        public RecordWiseFileCompactor.Reader<LakeRow> createFor(Path path) throws IOException {
            return new LakeFileReader(path);
        }
    }

    @Override
    public LakeRow read() throws IOException {
        GenericRecord r = reader.read();
        if (r == null) {
            return null;
        }
        String[] values = new String[COLUMNS.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = r.get(i);
            values[i] = v == null ? null : v.toString();
        }
        // The partition is already decided (compaction stays inside one); only the values are
        // written.
        long eventTime = values[TIMESTAMP] == null ? 0 : Long.parseLong(values[TIMESTAMP]);
        return new LakeRow(values[EVENT_ID], null, eventTime, values);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static int indexOf(String column) {
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (COLUMNS.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalStateException("the lake has no column " + column);
    }

    /** A Parquet input file over Flink's FileSystem. */
    private static final class FlinkInputFile implements InputFile {
        private final Path path;

        FlinkInputFile(Path path) {
            this.path = path;
        }

        @Override
        public long getLength() throws IOException {
            return FileSystem.get(path.toUri()).getFileStatus(path).getLen();
        }

        @Override
        public SeekableInputStream newStream() throws IOException {
            FSDataInputStream in = FileSystem.get(path.toUri()).open(path);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() throws IOException {
                    return in.getPos();
                }

                @Override
                public void seek(long newPos) throws IOException {
                    in.seek(newPos);
                }
            };
        }
    }
}
