package io.causality.schemas.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.causality.schemas.EventFields;
import io.causality.schemas.Schemas;
import io.causality.schemas.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a record of a decision topic against its schema in {@code decisions/}, and that its app
 * and time can place it in the lake. Thread-safe; build one and share it.
 */
public final class DecisionValidator {
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder()
                    .pathType(PathType.JSON_PATH)
                    .formatAssertionsEnabled(true)
                    .build();

    private final Map<DecisionTable, JsonSchema> schemas = new EnumMap<>(DecisionTable.class);

    public DecisionValidator() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (DecisionTable t : DecisionTable.values()) {
            try (InputStream in = Schemas.open(t.schemaResource())) {
                JsonSchema schema = factory.getSchema(in, CONFIG);
                schema.initializeValidators();
                schemas.put(t, schema);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read schema " + t.schemaResource(), e);
            }
        }
    }

    /** What is wrong with the record, at most a few problems; empty when it is valid. */
    public List<String> problems(DecisionTable table, JsonNode record) {
        List<String> out = new ArrayList<>();
        if (record == null || !record.isObject()) {
            out.add("a record must be a JSON object");
            return out;
        }
        for (ValidationMessage m : schemas.get(table).validate(record)) {
            if (out.size() < 3) {
                out.add(m.getMessage());
            }
        }
        // It names a folder of the lake: only app ids as the ingest issues them.
        String app = record.path("app_id").asText("");
        if (!app.isEmpty() && !EventFields.APP_ID_PATTERN.matcher(app).matches()) {
            out.add("app_id '" + app + "' is not an app id");
        }
        JsonNode time = record.get(table.timeField());
        if (time != null && time.isTextual()) {
            try {
                Timestamps.parse(time.textValue());
            } catch (RuntimeException e) {
                out.add(table.timeField() + " is not an RFC 3339 date-time");
            }
        }
        return out;
    }
}
