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

    /**
     * The Parquet writer is opened at the first row: a part file always gets one, and a compacted
     * file never does. The sink opens a compacted file through this factory too and then lets the
     * {@link LakeFileMerger} write the whole file; a writer opened at once would put its own magic
     * bytes before that file and an empty footer after it.
     */
    @Override
    public BulkWriter<LakeRow> create(FSDataOutputStream out) {
        return new BulkWriter<>() {
            private Schema schema;
            private BulkWriter<GenericRecord> parquet;

            @Override
            public void addElement(LakeRow row) throws IOException {
                if (parquet == null) {
                    schema = LakeRecords.avroSchema();
                    parquet = open(out, schema);
                }
                parquet.addElement(LakeRecords.toAvro(row, schema));
            }

            @Override
            public void flush() throws IOException {
                if (parquet != null) {
                    parquet.flush();
                }
            }

            @Override
            public void finish() throws IOException {
                if (parquet != null) {
                    parquet.finish();
                }
            }
        };
    }

    /** A Parquet writer of these records with this factory's codec. */
    BulkWriter<GenericRecord> open(FSDataOutputStream out, Schema schema) throws IOException {
        return new ParquetWriterFactory<GenericRecord>(
                        file ->
                                AvroParquetWriter.<GenericRecord>builder(file)
                                        .withSchema(schema)
                                        .withDataModel(GenericData.get())
                                        .withCompressionCodec(CompressionCodecName.valueOf(codec))
                                        .build())
                .create(out);
    }
}
