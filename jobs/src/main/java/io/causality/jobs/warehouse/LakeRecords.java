package io.causality.jobs.warehouse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.causality.schemas.EventJson;
import io.causality.schemas.Timestamps;
import io.causality.schemas.lake.LakeColumn;
import io.causality.schemas.lake.LakeSchema;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/** Between an event's JSON, a {@link LakeRow} and the Avro record the Parquet writer takes. */
public final class LakeRecords {
    private static final List<LakeColumn> COLUMNS = LakeSchema.columns();

    /** The fields the columns are read from, as a tree from the event's top level. */
    private static final Field ROOT = fieldTree();

    private LakeRecords() {}

    /** A value whose JSON type its column cannot hold, or a record that is not a JSON object. */
    public static final class WrongType extends Exception {
        WrongType(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A field of the event that columns are read from: its own value's column (or -1), the fields
     * inside it that columns are read from, and every column read from it or below it.
     */
    private static final class Field {
        final Map<String, Field> children = new HashMap<>();
        int column = -1;
        int[] below = new int[0];
    }

    private static Field fieldTree() {
        Field root = new Field();
        for (int i = 0; i < COLUMNS.size(); i++) {
            String pointer = COLUMNS.get(i).pointer();
            if (pointer == null) {
                continue;
            }
            Field f = root;
            for (String name : pointer.substring(1).split("/", -1)) {
                f = f.children.computeIfAbsent(name, n -> new Field());
                f.below = append(f.below, i);
            }
            f.column = i;
        }
        return root;
    }

    private static int[] append(int[] a, int v) {
        int[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    /** A JSON value kept as it is in the event's bytes (an object or array in a string column). */
    private record Slice(int from, int to) {}

    /**
     * The column values of an event, packed in lake column order ({@link PackedColumns}), each
     * checked against its column's type: what the lake stores is what the event said, or the event
     * is refused (a number column never gets a string's 0, a timestamp column never an unreadable
     * time). One streaming pass over the bytes: no tree is built, fields no column reads are
     * skipped, and objects kept as JSON ({@code context_json}, {@code properties_json}) are the
     * event's own bytes. As in a parsed tree, a repeated field's last value counts.
     *
     * @throws WrongType naming the first column whose value does not fit
     * @throws IOException if the bytes are not JSON
     */
    public static byte[] pack(byte[] json) throws WrongType, IOException {
        return pack(json, new PackedColumns());
    }

    /** As {@link #pack(byte[])}, packing in the given (reused) buffer. */
    static byte[] pack(byte[] json, PackedColumns buffer) throws WrongType, IOException {
        Object[] values = new Object[COLUMNS.size()];
        try (JsonParser p = EventJson.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WrongType("not a JSON object");
            }
            readObject(p, json, ROOT, values);
        }
        PackedColumns out = buffer.reset();
        for (Object v : values) {
            if (v == null) {
                out.absent();
            } else if (v instanceof String s) {
                out.string(s);
            } else if (v instanceof Slice s) {
                out.utf8(json, s.from, s.to - s.from);
            } else if (v instanceof Long l) {
                out.int64(l);
            } else if (v instanceof Integer i) {
                out.int32(i);
            } else if (v instanceof Double d) {
                out.float64(d);
            } else {
                out.bool((Boolean) v);
            }
        }
        return out.toBytes();
    }

    private static void readObject(JsonParser p, byte[] json, Field field, Object[] values)
            throws IOException, WrongType {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            Field child = field.children.get(p.currentName());
            JsonToken t = p.nextToken();
            if (child == null) {
                p.skipChildren();
                continue;
            }
            // The last value of a repeated field replaces everything read from an earlier one.
            for (int i : child.below) {
                values[i] = null;
            }
            int from = (int) p.currentTokenLocation().getByteOffset();
            if (t == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                readObject(p, json, child, values);
            } else {
                p.skipChildren();
            }
            if (child.column >= 0) {
                values[child.column] = value(COLUMNS.get(child.column), p, json, t, from);
            }
        }
    }

    /**
     * A string value: its bytes between the quotes as they are when it has no escape (they are its
     * UTF-8 already), decoded and encoded again only when it has one.
     */
    private static Object text(JsonParser p, byte[] json, int from) throws IOException {
        p.finishToken();
        int to = (int) p.currentLocation().getByteOffset() - 1;
        for (int i = from + 1; i < to; i++) {
            if (json[i] == '\\') {
                return p.getText();
            }
        }
        return new Slice(from + 1, to);
    }

    /** The value of the current token (or of the container that just ended) for a column. */
    private static Object value(LakeColumn c, JsonParser p, byte[] json, JsonToken t, int from)
            throws IOException, WrongType {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        boolean container = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
        switch (c.type()) {
            case STRING -> {
                if (container) {
                    return new Slice(from, (int) p.currentLocation().getByteOffset());
                }
                if (t == JsonToken.VALUE_STRING) {
                    return text(p, json, from);
                }
                return p.getText();
            }
            case LONG -> {
                if (t == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return p.getLongValue();
                }
                if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    // 1170.0 or 4.5E15 is a whole number too (JSON Schema's "integer" says so).
                    try {
                        return p.getDecimalValue().longValueExact();
                    } catch (ArithmeticException notWholeOrTooLarge) {
                        // refused below
                    }
                }
                throw wrong(c, p, t, from, "a whole number that fits the column");
            }
            case INT -> {
                if (t == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() == JsonParser.NumberType.INT) {
                    return p.getIntValue();
                }
                if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    try {
                        return p.getDecimalValue().intValueExact();
                    } catch (ArithmeticException notWholeOrTooLarge) {
                        // refused below
                    }
                }
                throw wrong(c, p, t, from, "a whole number that fits the column");
            }
            case DOUBLE -> {
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    return p.getDoubleValue();
                }
                throw wrong(c, p, t, from, "a number");
            }
            case BOOLEAN -> {
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
                throw wrong(c, p, t, from, "true or false");
            }
            case TIMESTAMP -> {
                if (t == JsonToken.VALUE_STRING) {
                    try {
                        return Timestamps.parse(p.getText()).toEpochMilli();
                    } catch (RuntimeException e) {
                        // refused below
                    }
                }
                throw wrong(c, p, t, from, "an RFC 3339 instant");
            }
        }
        throw new IllegalStateException("no column type " + c.type());
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

    private static WrongType wrong(
            LakeColumn c, JsonParser p, JsonToken t, int from, String expected) throws IOException {
        String shown;
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            shown = "an " + (t == JsonToken.START_OBJECT ? "object" : "array");
        } else if (t == JsonToken.VALUE_STRING) {
            shown = EventJson.mapper().writeValueAsString(p.getText());
        } else {
            shown = p.getText();
        }
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
        return avroSchema("event", COLUMNS);
    }

    /** The Avro schema of a lake table's files with these columns, every one nullable. */
    public static Schema avroSchema(String name, List<LakeColumn> columns) {
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record(name).namespace("io.causality.lake").fields();
        for (LakeColumn c : columns) {
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
