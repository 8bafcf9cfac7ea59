package io.causality.jobs.warehouse;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet files of lake rows with the compression asked for (Flink's own Avro-Parquet writers write
 * uncompressed). The Avro schema is derived from {@code LakeSchema} when a file is opened, so this
 * factory carries only the codec's name.
 */
public final class LakeWriterFactory implements BulkWriter.Factory<LakeRow> {
    private static final long serialVersionUID = 1L;
    private final String codec;

    public LakeWriterFactory(CompressionCodecName codec) {
        if (codec != CompressionCodecName.SNAPPY
                && codec != CompressionCodecName.ZSTD
                && codec != CompressionCodecName.UNCOMPRESSED) {
            throw new IllegalArgumentException(
                    "the lake writes SNAPPY, ZSTD or UNCOMPRESSED Parquet, not " + codec);
        }
        this.codec = codec.name();
    }

    @Override
    public BulkWriter<LakeRow> create(FSDataOutputStream out) throws IOException {
        Schema schema = LakeRecords.avroSchema();
        BulkWriter<GenericRecord> parquet =
                new ParquetWriterFactory<GenericRecord>(
                                file ->
                                        AvroParquetWriter.<GenericRecord>builder(file)
                                                .withSchema(schema)
                                                .withDataModel(GenericData.get())
                                                .withCompressionCodec(
                                                        CompressionCodecName.valueOf(codec))
                                                .build())
                        .create(out);
        return new BulkWriter<>() {
            @Override
            public void addElement(LakeRow row) throws IOException {
                parquet.addElement(LakeRecords.toAvro(row, schema));
            }

            @Override
            public void flush() throws IOException {
                parquet.flush();
            }

            @Override
            public void finish() throws IOException {
                parquet.finish();
            }
        };
    }
}
