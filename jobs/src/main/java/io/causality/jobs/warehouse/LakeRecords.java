package io.causality.jobs.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.LakeColumn;
import io.causality.schemas.lake.LakeSchema;
import io.causality.schemas.lake.LakeType;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Between an event's JSON, a {@link LakeRow} and the Avro record the Parquet writer takes. */
public final class LakeRecords {
    private static final List<LakeColumn> COLUMNS = LakeSchema.columns();

    private LakeRecords() {}

    /** The column values of an event, in lake column order. */
    public static String[] values(JsonNode event) {
        String[] out = new String[COLUMNS.size()];
        for (int i = 0; i < out.length; i++) {
            LakeColumn c = COLUMNS.get(i);
            JsonNode v = event.at(c.pointer());
            if (v.isMissingNode() || v.isNull()) {
                continue;
            }
            out[i] =
                    switch (c.type()) {
                        case STRING -> v.isContainerNode() ? v.toString() : v.asText();
                        case LONG, INT -> Long.toString(v.asLong());
                        case DOUBLE -> Double.toString(v.asDouble());
                        case BOOLEAN -> Boolean.toString(v.asBoolean());
                        case TIMESTAMP ->
                                Long.toString(Timestamps.parse(v.asText()).toEpochMilli());
                    };
        }
        return out;
    }

    /** The Avro schema of the lake's files: every column nullable. */
    public static Schema avroSchema() {
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record("event").namespace("io.causality.lake").fields();
        for (LakeColumn c : COLUMNS) {
            Schema type =
                    switch (c.type()) {
                        case STRING -> Schema.create(Schema.Type.STRING);
                        case LONG -> Schema.create(Schema.Type.LONG);
                        case INT -> Schema.create(Schema.Type.INT);
                        case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
                        case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
                        case TIMESTAMP ->
                                LogicalTypes.timestampMillis()
                                        .addToSchema(Schema.create(Schema.Type.LONG));
                    };
            fields =
                    fields.name(c.name())
                            .type(Schema.createUnion(Schema.create(Schema.Type.NULL), type))
                            .withDefault(null);
        }
        return fields.endRecord();
    }

    public static GenericRecord toAvro(LakeRow row, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        for (int i = 0; i < row.values.length; i++) {
            String v = row.values[i];
            if (v == null) {
                continue;
            }
            LakeType type = COLUMNS.get(i).type();
            r.put(
                    i,
                    switch (type) {
                        case STRING -> v;
                        case LONG, TIMESTAMP -> Long.parseLong(v);
                        case INT -> Integer.parseInt(v);
                        case DOUBLE -> Double.parseDouble(v);
                        case BOOLEAN -> Boolean.parseBoolean(v);
                    });
        }
        return r;
    }
}
