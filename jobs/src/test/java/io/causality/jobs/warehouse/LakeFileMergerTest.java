package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction copies row groups: every row of the small files, unchanged, in one file. */
class LakeFileMergerTest {
    @Test
    void theSmallFilesOfAPartitionBecomeOneWithEveryRowAsItWas(@TempDir Path dir) throws Exception {
        List<LakeRow> rows = Events.rows(30);
        List<org.apache.flink.core.fs.Path> parts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path part = dir.resolve("part-" + i + ".parquet");
            Events.writeParquet(
                    rows.subList(i * 10, i * 10 + 10), part, CompressionCodecName.SNAPPY);
            parts.add(new org.apache.flink.core.fs.Path(part.toUri()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LakeFileMerger(new LakeWriterFactory(CompressionCodecName.SNAPPY)).compact(parts, out);
        Path merged = Files.write(dir.resolve("compacted.parquet"), out.toByteArray());

        List<String[]> back = new ArrayList<>();
        try (LakeFileReader r =
                new LakeFileReader(new org.apache.flink.core.fs.Path(merged.toUri()))) {
            for (LakeRow row = r.read(); row != null; row = r.read()) {
                back.add(LakeRecords.texts(row));
            }
        }
        assertThat(back).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(back.get(i)).containsExactly(LakeRecords.texts(rows.get(i)));
        }
        try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(merged))) {
            // The row groups were copied, not re-encoded: one per small file.
            assertThat(footer.getRowGroups()).hasSize(3);
            assertThat(footer.getFooter().getFileMetaData().getKeyValueMetaData())
                    .containsKey("parquet.avro.schema");
        }
    }

    /**
     * As the sink compacts: it opens the compacted file through the lake's writer factory, lets the
     * merger write into it, and finishes that writer, which must add nothing (an eager Parquet
     * writer put its magic bytes before the merged file and an empty footer after it, and the lake
     * read no row of it).
     */
    @Test
    void theWriterTheSinkOpensForTheCompactedFileAddsNothing(@TempDir Path dir) throws Exception {
        Path part = dir.resolve(".part-0.parquet");
        Events.writeParquet(Events.rows(2), part, CompressionCodecName.SNAPPY);
        Path merged = dir.resolve("compacted-part-0.parquet");
        LakeWriterFactory factory = new LakeWriterFactory(CompressionCodecName.SNAPPY);
        try (var out =
                org.apache.flink.core.fs.FileSystem.getLocalFileSystem()
                        .create(
                                new org.apache.flink.core.fs.Path(merged.toUri()),
                                org.apache.flink.core.fs.FileSystem.WriteMode.OVERWRITE)) {
            var sinksOwn = factory.create(out);
            new LakeFileMerger(factory)
                    .compact(List.of(new org.apache.flink.core.fs.Path(part.toUri())), out);
            sinksOwn.finish();
        }
        try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(merged))) {
            assertThat(footer.getRecordCount()).isEqualTo(2);
        }
    }

    /**
     * Files written with other columns (an older release's) cannot have their row groups appended
     * to this release's: they are rewritten row by row, each value read by its column's name.
     */
    @Test
    void filesOfAnotherReleasesColumnsAreRewrittenByName(@TempDir Path dir) throws Exception {
        Path current = dir.resolve(".part-0.parquet");
        Events.writeParquet(Events.rows(2), current, CompressionCodecName.SNAPPY);
        Path older = dir.resolve(".part-1.parquet");
        org.apache.avro.Schema old =
                org.apache.avro.SchemaBuilder.record("event")
                        .namespace("io.causality.lake")
                        .fields()
                        .optionalString("type")
                        .optionalString("event_id")
                        .endRecord();
        try (var w =
                org.apache.parquet.avro.AvroParquetWriter
                        .<org.apache.avro.generic.GenericRecord>builder(
                                new org.apache.parquet.io.LocalOutputFile(older))
                        .withSchema(old)
                        .build()) {
            var r = new org.apache.avro.generic.GenericData.Record(old);
            r.put("type", "app_open");
            r.put("event_id", "from-an-older-release");
            w.write(r);
        }
        Path merged = dir.resolve("compacted-part-0.parquet");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LakeFileMerger(new LakeWriterFactory(CompressionCodecName.SNAPPY))
                .compact(
                        List.of(
                                new org.apache.flink.core.fs.Path(current.toUri()),
                                new org.apache.flink.core.fs.Path(older.toUri())),
                        out);
        Files.write(merged, out.toByteArray());
        List<String[]> back = new ArrayList<>();
        try (LakeFileReader r =
                new LakeFileReader(new org.apache.flink.core.fs.Path(merged.toUri()))) {
            for (LakeRow row = r.read(); row != null; row = r.read()) {
                back.add(LakeRecords.texts(row));
            }
        }
        int eventId = indexOf("event_id");
        int type = indexOf("type");
        int total = indexOf("properties_json");
        assertThat(back).hasSize(3);
        assertThat(back.get(2)[eventId]).isEqualTo("from-an-older-release");
        assertThat(back.get(2)[type]).isEqualTo("app_open");
        assertThat(back.get(2)[total]).isNull();
        assertThat(back.get(0)).containsExactly(LakeRecords.texts(Events.rows(2).get(0)));
    }

    private static int indexOf(String column) {
        var columns = io.causality.schemas.lake.LakeSchema.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException(column);
    }
}
