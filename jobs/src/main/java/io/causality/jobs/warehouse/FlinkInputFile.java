package io.causality.jobs.warehouse;

import java.io.IOException;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet input file over Flink's FileSystem, so local paths and S3 read alike. */
final class FlinkInputFile implements InputFile {
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
