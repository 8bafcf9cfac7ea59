package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeWriterFactoryTest {
    @TempDir Path dir;

    @Test
    void writesTypedColumnsThatReadBackWithTheChosenCodec() throws Exception {
        Path file = dir.resolve("part-0.parquet");
        Events.writeParquet(Events.rows(3), file, CompressionCodecName.ZSTD);
        List<GenericRecord> back = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader =
                AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file)).build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                back.add(r);
            }
        }
        assertThat(back).hasSize(3);
        GenericRecord first = back.get(0);
        assertThat(first.get("event_id").toString())
                .isEqualTo("0190f8a2-7b7e-7c1a-9f00-000000000000");
        assertThat(first.get("timestamp")).isEqualTo(Events.T0.toEpochMilli());
        assertThat(first.get("context_screen_width")).isEqualTo(1170L);
        assertThat(first.get("context_os_name").toString()).isEqualTo("iOS");
        assertThat(first.get("user_id").toString()).isEqualTo("u-1");
        assertThat(first.get("session_id")).isNull();
        assertThat(first.get("properties_json").toString()).contains("\"total\":0.5");
        try (ParquetFileReader meta = ParquetFileReader.open(new LocalInputFile(file))) {
            assertThat(meta.getFooter().getBlocks().get(0).getColumns().get(0).getCodec())
                    .isEqualTo(CompressionCodecName.ZSTD);
        }
        assertThat(Files.size(file)).isPositive();
    }

    @Test
    void refusesCodecsTheLakeDoesNotUse() {
        assertThatThrownBy(() -> new LakeWriterFactory(CompressionCodecName.LZO))
                .hasMessageContaining("SNAPPY, ZSTD");
    }
}
