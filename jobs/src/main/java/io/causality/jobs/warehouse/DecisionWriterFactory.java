package io.causality.jobs.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.DecisionTable;
import io.causality.schemas.lake.LakeColumn;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet files of a decision table: a column per field of its schema ({@link DecisionTable}), an
 * array or object as its JSON text.
 */
public final class DecisionWriterFactory implements BulkWriter.Factory<DecisionRow> {
    private static final long serialVersionUID = 1L;

    private final DecisionTable table;
    private final LakeWriterFactory parquet;

    public DecisionWriterFactory(DecisionTable table, CompressionCodecName codec) {
        this.table = table;
        this.parquet = new LakeWriterFactory(codec);
    }

    @Override
    public BulkWriter<DecisionRow> create(FSDataOutputStream out) throws IOException {
        Schema schema = LakeRecords.avroSchema(table.table(), table.columns());
        BulkWriter<GenericRecord> writer = parquet.open(out, schema);
        return new BulkWriter<>() {
            @Override
            public void addElement(DecisionRow row) throws IOException {
                writer.addElement(
                        toAvro(table.columns(), EventJson.mapper().readTree(row.json), schema));
            }

            @Override
            public void flush() throws IOException {
                writer.flush();
            }

            @Override
            public void finish() throws IOException {
                writer.finish();
            }
        };
    }

    /** The row's columns; a field the record lacks, or null, is null. */
    static GenericRecord toAvro(List<LakeColumn> columns, JsonNode record, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        for (int i = 0; i < columns.size(); i++) {
            LakeColumn c = columns.get(i);
            JsonNode v = record.at(c.pointer());
            if (v.isMissingNode() || v.isNull()) {
                continue;
            }
            if (c.name().endsWith(DecisionTable.JSON_SUFFIX) && v.isContainerNode()) {
                r.put(i, v.toString());
                continue;
            }
            r.put(
                    i,
                    switch (c.type()) {
                        case STRING -> v.asText();
                        case LONG -> v.asLong();
                        case INT -> v.asInt();
                        case DOUBLE -> v.asDouble();
                        case BOOLEAN -> v.asBoolean();
                        case TIMESTAMP -> Timestamps.parse(v.asText()).toEpochMilli();
                    });
        }
        return r;
    }
}
