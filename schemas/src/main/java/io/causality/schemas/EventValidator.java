package io.causality.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an event against the envelope schema and the schema of its type, and returns every problem
 * with its JSON path and a stable code. Thread-safe; build one and share it (loading the schemas is
 * the expensive part).
 */
public final class EventValidator {
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder()
                    .pathType(PathType.JSON_PATH)
                    .formatAssertionsEnabled(true)
                    .build();

    private final JsonSchema envelope;
    private final Map<EventType, JsonSchema> propertySchemas = new EnumMap<>(EventType.class);

    public EventValidator() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        this.envelope = load(factory, Schemas.ENVELOPE_RESOURCE);
        for (EventType type : EventType.values()) {
            propertySchemas.put(type, load(factory, type.schemaResource()));
        }
    }

    private static JsonSchema load(JsonSchemaFactory factory, String resource) {
        try (InputStream in = Schemas.open(resource)) {
            JsonSchema schema = factory.getSchema(in, CONFIG);
            schema.initializeValidators();
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read schema " + resource, e);
        }
    }

    /** Every problem of the event, ordered by path; empty when the event is valid. */
    public List<Violation> validate(JsonNode event) {
        List<Violation> violations = new ArrayList<>();
        if (event == null || !event.isObject()) {
            violations.add(
                    new Violation(
                            ErrorCodes.NOT_AN_OBJECT,
                            "$",
                            "an event must be a JSON object, got "
                                    + (event == null ? "nothing" : event.getNodeType())));
            return violations;
        }
        collect(envelope.validate(event), "$", violations);
        JsonValues.check(event, violations);
        for (String field : TIMES) {
            JsonNode time = event.get(field);
            String path = "$." + field;
            if (time != null
                    && time.isTextual()
                    && violations.stream().noneMatch(v -> v.path().equals(path))
                    && !parses(time.textValue())) {
                violations.add(
                        new Violation(
                                ErrorCodes.INVALID_FORMAT,
                                path,
                                "not an RFC 3339 date-time, e.g. 2026-11-22T10:15:00.250Z"));
            }
        }

        // Present with a wrong type is reported by the schema as wrong_type, not as missing.
        if (!present(event, EventFields.USER_ID) && !present(event, EventFields.ANONYMOUS_ID)) {
            violations.add(
                    new Violation(
                            ErrorCodes.MISSING_IDENTITY,
                            "$",
                            "an event needs a user_id or an anonymous_id (or both)"));
        }
        JsonNode typeNode = event.get(EventFields.TYPE);
        if (typeNode != null && typeNode.isTextual()) {
            EventType type = EventType.fromWireName(typeNode.textValue()).orElse(null);
            if (type == null) {
                violations.add(unknownType(typeNode.textValue()));
            } else {
                checkPayload(event, type, violations);
            }
        }
        violations.sort(Comparator.comparing(Violation::path).thenComparing(Violation::code));
        return violations;
    }

    private void checkPayload(JsonNode event, EventType type, List<Violation> violations) {
        if (type == EventType.CUSTOM && !present(event, EventFields.NAME)) {
            violations.add(
                    new Violation(
                            ErrorCodes.MISSING_FIELD,
                            "$.name",
                            "a custom event needs a name, e.g. \"name\": \"video_played\""));
        }
        JsonNode properties = event.get(EventFields.PROPERTIES);
        if (properties == null) {
            properties = EventJson.mapper().createObjectNode();
        }
        if (properties.isObject()) {
            collect(propertySchemas.get(type).validate(properties), "$.properties", violations);
        }
    }

    /** The envelope's date-time fields: each must be readable by {@link Timestamps#parse}. */
    private static final List<String> TIMES =
            List.of(
                    EventFields.TIMESTAMP,
                    EventFields.SENT_AT,
                    EventFields.ORIGINAL_TIMESTAMP,
                    EventFields.RECEIVED_AT);

    private static boolean parses(String time) {
        try {
            Timestamps.parse(time);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Violation unknownType(String given) {
        String hint =
                EventType.closestTo(given)
                        .map(t -> "; did you mean '" + t.wireName() + "'?")
                        .orElse("; use 'custom' with a name for your own events");
        return new Violation(
                ErrorCodes.UNKNOWN_EVENT_TYPE,
                "$.type",
                "unknown event type '" + given + "'" + hint);
    }

    private static boolean present(JsonNode event, String field) {
        JsonNode node = event.get(field);
        return node != null && !node.isNull();
    }

    /** Turns the library's messages into ours, re-rooting paths at {@code root}. */
    private static void collect(
            Iterable<ValidationMessage> messages, String root, List<Violation> out) {
        for (ValidationMessage m : messages) {
            String path = root + m.getInstanceLocation().toString().substring(1);
            String message = m.getError();
            if ("required".equals(m.getType()) && m.getProperty() != null) {
                path = path + "." + m.getProperty();
                message = "required field is missing";
            }
            out.add(new Violation(ErrorCodes.forKeyword(m.getType()), path, message));
        }
    }
}
