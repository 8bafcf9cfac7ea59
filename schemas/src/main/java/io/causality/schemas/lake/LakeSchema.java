package io.causality.schemas.lake;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import io.causality.schemas.Schemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The columns of the event lake, derived from {@code envelope.json} so that the schema files stay
 * the one source of truth: every scalar field of the envelope becomes a column, every scalar field
 * of {@code context} (one or two levels deep) a {@code context_...} column, and the whole {@code
 * context} and {@code properties} are also kept as JSON strings so that nothing an app sent is
 * lost. {@code app_id}, {@code dt} and {@code hour} are partitions: they live in the path, not in
 * the files.
 */
public final class LakeSchema {
    public static final String CONTEXT_JSON = "context_json";
    public static final String PROPERTIES_JSON = "properties_json";
    public static final List<LakeColumn> PARTITIONS =
            List.of(
                    new LakeColumn("app_id", LakeType.STRING, "/" + EventFields.APP_ID),
                    new LakeColumn("dt", LakeType.STRING, null),
                    new LakeColumn("hour", LakeType.INT, null));

    private static final List<LakeColumn> COLUMNS = derive();

    private LakeSchema() {}

    /**
     * Whether a file in the lake is committed data: the sink keeps in-progress and pending files
     * hidden (dot-prefixed) until their checkpoint commits them, and Trino skips hidden files too.
     */
    public static boolean isCommittedFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && name.endsWith(".parquet");
    }

    /**
     * The committed files under a folder of a lake (the lake, a table, a partition), none if it is
     * not there. A running sink renames in-progress files and compaction deletes the hidden files
     * it merged, so an entry can vanish while the folder is walked: it is skipped, because its rows
     * are (or will be) in the committed file that replaced it.
     */
    public static List<Path> committedFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        Files.walkFileTree(
                dir,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && isCommittedFile(file)) {
                            files.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        return files;
    }

    /** The data columns, in file order (partitions excluded). */
    public static List<LakeColumn> columns() {
        return COLUMNS;
    }

    private static List<LakeColumn> derive() {
        JsonNode envelope;
        try (InputStream in = Schemas.open(Schemas.ENVELOPE_RESOURCE)) {
            envelope = EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the envelope schema", e);
        }
        JsonNode defs = envelope.get("$defs");
        List<LakeColumn> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = envelope.get("properties").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.equals(EventFields.APP_ID)) {
                continue;
            }
            if (name.equals(EventFields.CONTEXT)) {
                leaves(resolve(field.getValue(), defs), defs, "context", "/context", 2, out);
                out.add(new LakeColumn(CONTEXT_JSON, LakeType.STRING, "/" + EventFields.CONTEXT));
            } else if (name.equals(EventFields.PROPERTIES)) {
                out.add(
                        new LakeColumn(
                                PROPERTIES_JSON, LakeType.STRING, "/" + EventFields.PROPERTIES));
            } else {
                LakeType type = scalarType(resolve(field.getValue(), defs));
                if (type != null) {
                    out.add(new LakeColumn(name, type, "/" + name));
                }
            }
        }
        return List.copyOf(out);
    }

    private static void leaves(
            JsonNode schema,
            JsonNode defs,
            String prefix,
            String pointer,
            int depth,
            List<LakeColumn> out) {
        JsonNode props = schema.get("properties");
        if (props == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode child = resolve(field.getValue(), defs);
            String name = prefix + "_" + field.getKey();
            String childPointer = pointer + "/" + field.getKey();
            LakeType type = scalarType(child);
            if (type != null) {
                out.add(new LakeColumn(name, type, childPointer));
            } else if (depth > 1 && "object".equals(child.path("type").asText())) {
                leaves(child, defs, name, childPointer, depth - 1, out);
            }
        }
    }

    private static JsonNode resolve(JsonNode schema, JsonNode defs) {
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.asText().startsWith("#/$defs/")) {
            return defs.get(ref.asText().substring("#/$defs/".length()));
        }
        return schema;
    }

    private static LakeType scalarType(JsonNode schema) {
        return scalarType(schema.path("type").asText(), schema);
    }

    /**
     * The column type of a JSON Schema type name (a {@code string} of format {@code date-time} a
     * timestamp); null for arrays, objects and anything else. Shared with {@link DecisionTable}.
     */
    static LakeType scalarType(String type, JsonNode schema) {
        return switch (type) {
            case "string" ->
                    "date-time".equals(schema.path("format").asText())
                            ? LakeType.TIMESTAMP
                            : LakeType.STRING;
            case "integer" -> LakeType.LONG;
            case "number" -> LakeType.DOUBLE;
            case "boolean" -> LakeType.BOOLEAN;
            default -> null;
        };
    }

    /**
     * The Trino DDL of the lake table: an external Hive table over the lake's location, partitioned
     * by app, day and hour. New partitions become visible with {@code CALL
     * system.sync_partition_metadata(...)}, which the stack runs; partition projection does not
     * fit, because the set of apps is open and an injected projection would make every query name
     * its app.
     *
     * @param table fully qualified, e.g. {@code lake.causality.events}
     * @param location e.g. {@code s3://causality-lake/events} or {@code local:///events}
     */
    public static String trinoDdl(String table, String location) {
        return trinoDdl(table, location, COLUMNS, PARTITIONS);
    }

    /**
     * The DDL of an external Parquet table of the lake with these columns and partitions: the
     * events' and the decisions' ({@link DecisionTable}).
     */
    static String trinoDdl(
            String table, String location, List<LakeColumn> columns, List<LakeColumn> partitions) {
        String data =
                columns.stream()
                        .map(c -> "  " + c.name() + " " + trinoStorageType(c.type()))
                        .collect(Collectors.joining(",\n"));
        String parts =
                partitions.stream()
                        .map(c -> "  " + c.name() + " " + c.type().trino())
                        .collect(Collectors.joining(",\n"));
        String names =
                partitions.stream()
                        .map(c -> "'" + c.name() + "'")
                        .collect(Collectors.joining(", "));
        return "CREATE TABLE IF NOT EXISTS "
                + table
                + " (\n"
                + data
                + ",\n"
                + parts
                + "\n) WITH (\n  external_location = '"
                + location
                + "',\n  format = 'PARQUET',\n  partitioned_by = ARRAY["
                + names
                + "]\n)";
    }

    /** Hive stores timestamps without zone; instants are written as UTC millis. */
    private static String trinoStorageType(LakeType type) {
        return type == LakeType.TIMESTAMP ? "timestamp(3)" : type.trino();
    }
}
