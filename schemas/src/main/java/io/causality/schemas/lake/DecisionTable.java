package io.causality.schemas.lake;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.Topics;
import io.causality.schemas.EventJson;
import io.causality.schemas.Schemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lake's tables of decisions, beside {@code events}: what the jobs decided, one row per record
 * of their audit topics, so that "why did this customer get that message" is one SQL query. Each
 * table's columns are derived from its record's JSON Schema in {@code decisions/}, as the events'
 * are from the envelope: a scalar field becomes a column of its type (a date-time a timestamp), an
 * array or object a {@code <name>_json} column holding its JSON. Partitioned by {@code app_id} and
 * {@code dt}, the UTC day of the record's time field.
 */
public enum DecisionTable {
    RULE_MATCHES("rule_matches", Topics.RULE_MATCHES, "rule_match.json", "match_id", "time"),
    ANOMALIES("anomalies", Topics.ANOMALIES, "anomaly.json", "anomaly_id", "window_end"),
    DELIVERIES("deliveries", Topics.DELIVERIES, "delivery.json", "delivery_id", "time");

    public static final String JSON_SUFFIX = "_json";

    /** Partitions: in the path, not in the files. */
    public static final List<LakeColumn> PARTITIONS =
            List.of(
                    new LakeColumn("app_id", LakeType.STRING, "/app_id"),
                    new LakeColumn("dt", LakeType.STRING, null));

    private final String table;
    private final String topic;
    private final String resource;
    private final String idField;
    private final String timeField;
    private final List<LakeColumn> columns;

    DecisionTable(String table, String topic, String file, String idField, String timeField) {
        this.table = table;
        this.topic = topic;
        this.resource = Schemas.RESOURCE_ROOT + "decisions/" + file;
        this.idField = idField;
        this.timeField = timeField;
        this.columns = derive(resource);
    }

    /** The table's name in Trino and its folder in the lake. */
    public String table() {
        return table;
    }

    /** The topic its records come from. */
    public String topic() {
        return topic;
    }

    /** The JSON Schema of its records, on the classpath. */
    public String schemaResource() {
        return resource;
    }

    /**
     * The field that says which decision a record is about (a match, an anomaly's episode, a
     * delivery); a decision may have several records (an anomaly fires and resolves).
     */
    public String idField() {
        return idField;
    }

    /** The date-time field that decides a record's day. */
    public String timeField() {
        return timeField;
    }

    /** The data columns, in file order (partitions excluded). */
    public List<LakeColumn> columns() {
        return columns;
    }

    /** The Trino DDL of the table at the location. */
    public String trinoDdl(String qualifiedTable, String location) {
        return LakeSchema.trinoDdl(qualifiedTable, location, columns, PARTITIONS);
    }

    private static List<LakeColumn> derive(String resource) {
        JsonNode schema;
        try (InputStream in = Schemas.open(resource)) {
            schema = EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema " + resource, e);
        }
        List<LakeColumn> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : schema.path("properties").properties()) {
            String name = field.getKey();
            if (name.equals("app_id")) {
                continue;
            }
            LakeType type = scalarType(field.getValue());
            if (type != null) {
                out.add(new LakeColumn(name, type, "/" + name));
            } else {
                out.add(new LakeColumn(name + JSON_SUFFIX, LakeType.STRING, "/" + name));
            }
        }
        return List.copyOf(out);
    }

    /** The column type of a field, null for arrays and objects; a nullable type is its other. */
    private static LakeType scalarType(JsonNode field) {
        if (field.has("enum")) {
            return LakeType.STRING;
        }
        JsonNode type = field.path("type");
        String name = type.asText();
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!t.asText().equals("null")) {
                    name = t.asText();
                }
            }
        }
        return LakeSchema.scalarType(name, field);
    }
}
