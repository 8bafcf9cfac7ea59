package io.causality.jobs.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.eval.PathSteps;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads from an event the part that a set of JSONPaths can reach, and skips the rest without
 * building it: a detector that groups by {@code $.context.device.id} needs that one field of the
 * event's context, not its whole tree. Every path reads the same from the part as from the whole
 * event (a test checks it). A field that a path descends into by name is read field by field; one
 * it indexes, takes with a wildcard or ends at is read whole; a path that is not a plain chain of
 * steps (a filter, a deep scan) makes the whole event read.
 */
public final class PartialEventReader {
    private static final ObjectMapper MAPPER = EventJson.mapper();

    /** The fields of an object that paths reach; {@code whole} when all of it is needed. */
    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        boolean whole;
    }

    private final Node root = new Node();

    private PartialEventReader() {}

    /** A reader for these paths and the event's type and name. */
    public static PartialEventReader of(Collection<String> paths) {
        PartialEventReader r = new PartialEventReader();
        r.add("$." + EventFields.TYPE);
        r.add("$." + EventFields.NAME);
        paths.forEach(r::add);
        return r;
    }

    private void add(String path) {
        List<PathSteps.Step> steps = PathSteps.of(path);
        if (steps == null) {
            root.whole = true;
            return;
        }
        Node at = root;
        for (PathSteps.Step s : steps) {
            if (at.whole) {
                return;
            }
            if (!s.isField()) {
                at.whole = true;
                return;
            }
            at = at.children.computeIfAbsent(s.name(), k -> new Node());
        }
        at.whole = true;
        at.children.clear();
    }

    /** Whether this reader reads every event whole. */
    public boolean readsWhole() {
        return root.whole;
    }

    /**
     * The part of the event the paths reach.
     *
     * @throws IOException when the event is not JSON, as {@link EventJson#readTree} would
     */
    public JsonNode read(byte[] json) throws IOException {
        if (root.whole) {
            return EventJson.readTree(json);
        }
        try (JsonParser p = MAPPER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return EventJson.readTree(json);
            }
            return object(p, root);
        }
    }

    /**
     * Reads the object the parser is at (its START_OBJECT read), keeping what {@code node} asks.
     */
    private static ObjectNode object(JsonParser p, Node node) throws IOException {
        ObjectNode o = MAPPER.getNodeFactory().objectNode();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            Node child = node.children.get(name);
            if (child == null) {
                p.skipChildren();
            } else if (child.whole || t != JsonToken.START_OBJECT) {
                o.set(name, MAPPER.readTree(p));
            } else {
                o.set(name, object(p, child));
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("not a JSON object: " + p.currentToken());
        }
        return o;
    }
}
