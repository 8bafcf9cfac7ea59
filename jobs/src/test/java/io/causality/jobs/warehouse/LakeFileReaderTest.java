package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction may read files back with LakeFileReader and rewrite them: nothing may change. */
class LakeFileReaderTest {
    @TempDir Path dir;

    @Test
    void rowsReadBackEqualTheRowsWrittenSoCompactionChangesNothing() throws Exception {
        List<LakeRow> written = Events.rows(5);
        java.nio.file.Path local = dir.resolve("part-0.parquet");
        Events.writeParquet(written, local, CompressionCodecName.SNAPPY);
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(local.toUri());
        List<LakeRow> read = new ArrayList<>();
        try (var reader = new LakeFileReader(file)) {
            for (LakeRow r = reader.read(); r != null; r = reader.read()) {
                read.add(r);
            }
        }
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < read.size(); i++) {
            assertThat(LakeRecords.texts(read.get(i)))
                    .containsExactly(LakeRecords.texts(written.get(i)));
            assertThat(read.get(i).eventId).isEqualTo(written.get(i).eventId);
            assertThat(read.get(i).eventTime).isEqualTo(written.get(i).eventTime);
        }
    }
}
