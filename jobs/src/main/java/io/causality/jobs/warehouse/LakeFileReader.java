package io.causality.jobs.warehouse;

import java.io.IOException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Reads lake rows back from a lake Parquet file: compaction rewrites files row by row with this
 * when their schemas differ ({@link LakeFileMerger}; otherwise it copies row groups). Reads through
 * Flink's FileSystem, so local paths and S3 work alike.
 */
final class LakeFileReader implements RecordWiseFileCompactor.Reader<LakeRow> {
    private final ParquetReader<GenericRecord> reader;

    LakeFileReader(Path path) throws IOException {
        this.reader =
                AvroParquetReader.<GenericRecord>builder(new FlinkInputFile(path))
                        .withDataModel(GenericData.get())
                        .build();
    }

    @Override
    public LakeRow read() throws IOException {
        GenericRecord r = reader.read();
        if (r == null) {
            return null;
        }
        // By name: the file may have been written with another release's columns.
        Object id = r.getSchema().getField("event_id") == null ? null : r.get("event_id");
        Object time = r.getSchema().getField("timestamp") == null ? null : r.get("timestamp");
        // The partition is already decided (compaction stays inside one); only the values are
        // written.
        return new LakeRow(
                id == null ? null : id.toString(),
                null,
                time == null ? 0 : ((Number) time).longValue(),
                LakeRecords.pack(r));
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
