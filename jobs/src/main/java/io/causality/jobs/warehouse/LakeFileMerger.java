package io.causality.jobs.warehouse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.file.sink.compactor.OutputStreamBasedFileCompactor;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Compacts a partition's small Parquet files into one by copying their row groups as they are
 * (already encoded and compressed), with the first file's footer metadata: no row is decoded or
 * encoded again, so compaction costs about what copying the bytes costs. The compacted file holds
 * the small files' row groups one after the other. Files written with another schema (a lake whose
 * columns changed across a release) cannot be appended to each other; those are rewritten row by
 * row with the sink's own writer instead.
 *
 * <p>The sink opens the compacted file through the lake's writer factory before this writes into
 * it, and finishes that writer after: {@link LakeWriterFactory} opens Parquet at the first row
 * only, so that writer adds nothing.
 */
final class LakeFileMerger extends OutputStreamBasedFileCompactor {
    private static final long serialVersionUID = 1L;

    private final LakeWriterFactory writer;

    LakeFileMerger(LakeWriterFactory writer) {
        this.writer = writer;
    }

    @Override
    protected void doCompact(List<Path> inputFiles, OutputStream out) throws Exception {
        FileMetaData first = footer(inputFiles.get(0));
        for (Path p : inputFiles.subList(1, inputFiles.size())) {
            if (!footer(p).getSchema().equals(first.getSchema())) {
                rewrite(inputFiles, out);
                return;
            }
        }
        ParquetFileWriter merged =
                new ParquetFileWriter(
                        new StreamOutput(out),
                        first.getSchema(),
                        ParquetFileWriter.Mode.CREATE,
                        ParquetWriter.DEFAULT_BLOCK_SIZE,
                        ParquetWriter.MAX_PADDING_SIZE_DEFAULT);
        merged.start();
        for (Path p : inputFiles) {
            merged.appendFile(new FlinkInputFile(p));
        }
        merged.end(Map.copyOf(first.getKeyValueMetaData()));
    }

    private static FileMetaData footer(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(new FlinkInputFile(file))) {
            return r.getFooter().getFileMetaData();
        }
    }

    /** Row by row, through the sink's writer: for files whose schemas differ. */
    private void rewrite(List<Path> inputFiles, OutputStream out) throws Exception {
        var rows = writer.create(new FlinkStream(out));
        for (Path p : inputFiles) {
            try (LakeFileReader in = new LakeFileReader(p)) {
                for (LakeRow row = in.read(); row != null; row = in.read()) {
                    rows.addElement(row);
                }
            }
        }
        rows.finish();
    }

    /** Parquet's output over the compactor's stream, counting the position it needs. */
    private static final class StreamOutput implements OutputFile {
        private final OutputStream out;

        StreamOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    pos++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    pos += len;
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() {
                    // The compactor owns the stream and closes it.
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return ParquetWriter.DEFAULT_BLOCK_SIZE;
        }
    }

    /** The compactor's stream as the Flink stream a bulk writer writes to. */
    private static final class FlinkStream extends FSDataOutputStream {
        private final OutputStream out;
        private long pos;

        FlinkStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pos += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void sync() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // The compactor owns the stream and closes it.
        }
    }
}
