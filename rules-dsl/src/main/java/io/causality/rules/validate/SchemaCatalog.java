package io.causality.rules.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventType;
import io.causality.schemas.Names;
import io.causality.schemas.Schemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the event schemas say about a JSONPath: the JSON type at the end of it, or that a field does
 * not exist (with the closest name that does). Reads {@code envelope.json} and the type schemas of
 * the schemas module, the one source of truth for field names.
 */
public final class SchemaCatalog {
    /** What a path leads to. */
    public sealed interface Lookup permits Known, Unknown, Missing {}

    /** The schema's JSON type at the end of the path: string, number, integer, boolean, ... */
    public record Known(String jsonType, boolean repeated) implements Lookup {
        /** Whether a number literal compares with it. */
        public boolean numeric() {
            return jsonType.equals("number") || jsonType.equals("integer");
        }
    }

    /** The schema does not say (custom events, free-form objects, filters): no checks. */
    public record Unknown() implements Lookup {}

    /**
     * A field the schema does not have.
     *
     * @param strict the object forbids other fields (an error), or only does not list it
     * @param where e.g. {@code properties of purchase_complete}
     */
    public record Missing(String field, String where, Optional<String> suggestion, boolean strict)
            implements Lookup {}

    private static final SchemaCatalog INSTANCE = new SchemaCatalog();

    private final JsonNode envelope;
    private final Map<EventType, JsonNode> types = new EnumMap<>(EventType.class);

    private SchemaCatalog() {
        envelope = read(Schemas.ENVELOPE_RESOURCE);
        for (EventType t : EventType.values()) {
            types.put(t, read(t.schemaResource()));
        }
    }

    public static SchemaCatalog get() {
        return INSTANCE;
    }

    private static JsonNode read(String resource) {
        try (InputStream in = Schemas.open(resource)) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    /**
     * @param type the event type the path is applied to, or null when it may be any or a custom one
     * @param segments the path's field names, {@code *} for every element of an array or object,
     *     {@code #} for one array index; null if the path has parts this lookup does not follow
     */
    public Lookup lookup(EventType type, List<String> segments) {
        if (segments == null) {
            return new Unknown();
        }
        JsonNode schema = envelope;
        String where = "the event";
        boolean repeated = false;
        for (int i = 0; i < segments.size(); i++) {
            String seg = segments.get(i);
            schema = resolve(schema);
            if (seg.equals("#") || seg.equals("*")) {
                if (schema.path("type").asText().equals("array")) {
                    schema = schema.path("items");
                    repeated |= seg.equals("*");
                    continue;
                }
                return new Unknown();
            }
            if (i == 1 && segments.get(0).equals("properties")) {
                if (type == null || type == EventType.CUSTOM) {
                    return new Unknown();
                }
                schema = types.get(type);
                where = "the properties of " + type.wireName();
            }
            JsonNode props = schema.path("properties");
            if (!props.isObject()) {
                return new Unknown();
            }
            if (!props.has(seg)) {
                List<String> known = new ArrayList<>();
                props.fieldNames().forEachRemaining(known::add);
                boolean strict =
                        schema.path("additionalProperties").isBoolean()
                                && !schema.get("additionalProperties").asBoolean();
                return new Missing(seg, where, Names.closest(seg, known), strict);
            }
            schema = props.get(seg);
            where = "'" + seg + "'";
        }
        schema = resolve(schema);
        String jsonType = schema.path("type").asText("");
        return jsonType.isEmpty() ? new Unknown() : new Known(jsonType, repeated);
    }

    /** Follows a local {@code $ref} such as {@code #/$defs/short}. */
    private JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.asText().startsWith("#/$defs/")) {
            return envelope.path("$defs").path(ref.asText().substring("#/$defs/".length()));
        }
        return schema;
    }
}
