package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.jobs.common.RawRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction reads files back with LakeFileReader and rewrites them: nothing may change. */
class LakeFileReaderTest {
    @TempDir Path dir;

    @Test
    void rowsReadBackEqualTheRowsWrittenSoCompactionChangesNothing() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, LakeRow> parser =
                ProcessFunctionTestHarnesses.forProcessFunction(new EventParser());
        for (int i = 0; i < 5; i++) {
            parser.processElement(
                    Events.raw(
                            Events.purchase(
                                    String.format("0190f8a2-7b7e-7c1a-9f00-%012d", i),
                                    "shop",
                                    Events.T0.plusSeconds(i),
                                    i + 0.25)),
                    0);
        }
        List<LakeRow> written = parser.extractOutputValues();
        org.apache.flink.core.fs.Path file =
                new org.apache.flink.core.fs.Path(dir.resolve("part-0.parquet").toUri());
        try (FSDataOutputStream out =
                FileSystem.getLocalFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<LakeRow> writer =
                    new LakeWriterFactory(CompressionCodecName.SNAPPY).create(out);
            for (LakeRow row : written) {
                writer.addElement(row);
            }
            writer.finish();
        }
        List<LakeRow> read = new ArrayList<>();
        try (var reader = new LakeFileReader.Factory().createFor(file)) {
            for (LakeRow r = reader.read(); r != null; r = reader.read()) {
                read.add(r);
            }
        }
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i).values).containsExactly(written.get(i).values);
            assertThat(read.get(i).eventId).isEqualTo(written.get(i).eventId);
            assertThat(read.get(i).eventTime).isEqualTo(written.get(i).eventTime);
        }
    }
}
