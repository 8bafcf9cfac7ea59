package io.causality.rules.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.causality.schemas.EventJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSONPath compiled once (Jayway JsonPath, reading Jackson's tree directly) and read from events.
 * Never throws for a path that is absent: a definite path gives {@link MissingNode}, an indefinite
 * one (wildcards, filters, deep scan) an empty list.
 */
public final class EventPath {
    private static final Configuration CONFIG =
            Configuration.builder()
                    .jsonProvider(new JacksonJsonNodeJsonProvider(EventJson.mapper()))
                    .mappingProvider(new JacksonMappingProvider(EventJson.mapper()))
                    .options(Option.SUPPRESS_EXCEPTIONS)
                    .build();

    private final String text;
    private final JsonPath path;

    /**
     * @throws com.jayway.jsonpath.InvalidPathException for a path that is not JSONPath
     */
    public EventPath(String text) {
        this.text = text;
        this.path = JsonPath.compile(text);
    }

    public String text() {
        return text;
    }

    /** True for wildcards, filters and deep scans: the path may find many values. */
    public boolean isIndefinite() {
        return !path.isDefinite();
    }

    /** The value at a definite path, {@link MissingNode} when absent. */
    public JsonNode one(JsonNode event) {
        return toNode(read(event));
    }

    /** Every value the path finds (one at most for a definite path); nulls left out. */
    public List<JsonNode> all(JsonNode event) {
        Object r = read(event);
        List<JsonNode> out = new ArrayList<>();
        if (path.isDefinite()) {
            JsonNode n = toNode(r);
            if (!n.isMissingNode() && !n.isNull()) {
                out.add(n);
            }
        } else if (r instanceof Iterable<?> many) {
            for (Object o : many) {
                JsonNode n = toNode(o);
                if (!n.isMissingNode() && !n.isNull()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** The result as JSON: the list for an indefinite path, the value or null otherwise. */
    public JsonNode asJson(JsonNode event) {
        if (path.isDefinite()) {
            JsonNode n = one(event);
            return n.isMissingNode() ? JsonNodeFactory.instance.nullNode() : n;
        }
        var array = JsonNodeFactory.instance.arrayNode();
        all(event).forEach(array::add);
        return array;
    }

    private Object read(JsonNode event) {
        try {
            return path.read(event, CONFIG);
        } catch (RuntimeException e) {
            // SUPPRESS_EXCEPTIONS covers absent paths; a filter on odd data is absent too.
            return null;
        }
    }

    private static JsonNode toNode(Object o) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (o == null) {
            return MissingNode.getInstance();
        }
        if (o instanceof JsonNode n) {
            return n;
        }
        if (o instanceof String s) {
            return f.textNode(s);
        }
        if (o instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (o instanceof Integer i) {
            return f.numberNode(i);
        }
        if (o instanceof Long l) {
            return f.numberNode(l);
        }
        if (o instanceof Double d) {
            return f.numberNode(d);
        }
        if (o instanceof Float fl) {
            return f.numberNode(fl);
        }
        if (o instanceof BigDecimal d) {
            return f.numberNode(d);
        }
        if (o instanceof BigInteger i) {
            return f.numberNode(i);
        }
        return EventJson.mapper().valueToTree(o);
    }
}
