package io.causality.jobs.warehouse;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.LakeColumn;
import io.causality.schemas.lake.LakeSchema;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/** Between an event's JSON, a {@link LakeRow} and the Avro record the Parquet writer takes. */
public final class LakeRecords {
    private static final List<LakeColumn> COLUMNS = LakeSchema.columns();

    /** Where each column's value is in the event, compiled once (null: not read from one place). */
    private static final JsonPointer[] POINTERS =
            COLUMNS.stream()
                    .map(c -> c.pointer() == null ? null : JsonPointer.compile(c.pointer()))
                    .toArray(JsonPointer[]::new);

    private LakeRecords() {}

    /** A value whose JSON type its column cannot hold. */
    public static final class WrongType extends Exception {
        WrongType(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The column values of an event, packed in lake column order ({@link PackedColumns}), each
     * checked against its column's type: what the lake stores is what the event said, or the event
     * is refused (a number column never gets a string's 0, a timestamp column never an unreadable
     * time).
     *
     * @throws WrongType naming the first column whose value does not fit
     */
    public static byte[] pack(JsonNode event) throws WrongType {
        PackedColumns out = new PackedColumns();
        for (int i = 0; i < COLUMNS.size(); i++) {
            LakeColumn c = COLUMNS.get(i);
            JsonNode v = POINTERS[i] == null ? event.at(c.pointer()) : event.at(POINTERS[i]);
            if (v.isMissingNode() || v.isNull()) {
                out.absent();
                continue;
            }
            switch (c.type()) {
                case STRING -> out.string(v.isContainerNode() ? v.toString() : v.asText());
                case LONG -> {
                    whole(c, v, v.canConvertToLong());
                    out.int64(v.asLong());
                }
                case INT -> {
                    whole(c, v, v.canConvertToInt());
                    out.int32(v.asInt());
                }
                case DOUBLE -> {
                    if (!v.isNumber()) {
                        throw wrong(c, v, "a number");
                    }
                    out.float64(v.asDouble());
                }
                case BOOLEAN -> {
                    if (!v.isBoolean()) {
                        throw wrong(c, v, "true or false");
                    }
                    out.bool(v.asBoolean());
                }
                case TIMESTAMP -> {
                    long millis;
                    try {
                        millis = Timestamps.parse(v.asText()).toEpochMilli();
                    } catch (RuntimeException e) {
                        throw wrong(c, v, "an RFC 3339 instant");
                    }
                    out.int64(millis);
                }
            }
        }
        return out.toBytes();
    }

    /**
     * The values of an Avro record read back from a lake file, packed in this release's columns:
     * read by name, not position, since the file may have been written with other columns (an older
     * release); a column the file lacks is absent, a value of another type is converted where it
     * can be and absent where it cannot.
     */
    public static byte[] pack(GenericRecord r) {
        PackedColumns out = new PackedColumns();
        for (LakeColumn c : COLUMNS) {
            Object v = r.getSchema().getField(c.name()) == null ? null : r.get(c.name());
            if (v == null) {
                out.absent();
                continue;
            }
            try {
                switch (c.type()) {
                    case STRING -> out.string(v.toString());
                    case LONG, TIMESTAMP -> out.int64(number(v).longValue());
                    case INT -> out.int32(number(v).intValue());
                    case DOUBLE -> out.float64(number(v).doubleValue());
                    case BOOLEAN ->
                            out.bool(
                                    v instanceof Boolean b
                                            ? b
                                            : Boolean.parseBoolean(v.toString()));
                }
            } catch (NumberFormatException e) {
                out.absent();
            }
        }
        return out.toBytes();
    }

    private static Number number(Object v) {
        return v instanceof Number n ? n : Double.valueOf(v.toString());
    }

    /**
     * The values as text, in column order, null where absent: strings as they are, numbers,
     * booleans and instants (epoch millis) in Java's decimal form. For tests and messages.
     */
    public static String[] texts(LakeRow row) {
        String[] out = new String[COLUMNS.size()];
        PackedColumns.Reader in = new PackedColumns.Reader(row.columns);
        for (int i = 0; i < out.length; i++) {
            if (!in.present()) {
                continue;
            }
            out[i] =
                    switch (COLUMNS.get(i).type()) {
                        case STRING -> {
                            int n = in.stringLength();
                            String s =
                                    new String(
                                            in.bytes(),
                                            in.position(),
                                            n,
                                            java.nio.charset.StandardCharsets.UTF_8);
                            in.skip(n);
                            yield s;
                        }
                        case LONG, TIMESTAMP -> Long.toString(in.int64());
                        case INT -> Integer.toString(in.int32());
                        case DOUBLE -> Double.toString(in.float64());
                        case BOOLEAN -> Boolean.toString(in.bool());
                    };
        }
        return out;
    }

    private static void whole(LakeColumn c, JsonNode v, boolean fits) throws WrongType {
        if (!v.isIntegralNumber() || !fits) {
            throw wrong(c, v, "a whole number that fits the column");
        }
    }

    private static WrongType wrong(LakeColumn c, JsonNode v, String expected) {
        String shown = v.toString();
        return new WrongType(
                "column "
                        + c.name()
                        + " ("
                        + c.pointer()
                        + ") needs "
                        + expected
                        + ", got "
                        + (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown));
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

    /** The Avro record the Parquet writer takes; strings go as their UTF-8 bytes, not decoded. */
    public static GenericRecord toAvro(LakeRow row, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        PackedColumns.Reader in = new PackedColumns.Reader(row.columns);
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (!in.present()) {
                continue;
            }
            r.put(
                    i,
                    switch (COLUMNS.get(i).type()) {
                        case STRING -> {
                            int n = in.stringLength();
                            Utf8 s =
                                    new Utf8(
                                            Arrays.copyOfRange(
                                                    in.bytes(), in.position(), in.position() + n));
                            in.skip(n);
                            yield s;
                        }
                        case LONG, TIMESTAMP -> in.int64();
                        case INT -> in.int32();
                        case DOUBLE -> in.float64();
                        case BOOLEAN -> in.bool();
                    });
        }
        return r;
    }
}
