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
import java.util.concurrent.ConcurrentHashMap;

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
    private final boolean definite;

    /** Fields and indexes to walk for a path without wildcards; null when Jayway reads it. */
    private final PathSteps.Step[] steps;

    /** Compiled paths by text: rules that read the same field share one (they are immutable). */
    private static final ConcurrentHashMap<String, EventPath> SHARED = new ConcurrentHashMap<>();

    /**
     * How many distinct path texts are shared at most. Entries are never removed (a deleted rule's
     * paths stay), so the bound keeps a long-running job that sees ever new paths from growing
     * without end; past it, a path is compiled for its rule alone, which is only slower.
     */
    static final int MAX_SHARED = 20_000;

    /**
     * The compiled path for the text, shared with every other rule that reads it: ten thousand
     * rules on {@code $.properties.total} hold one compiled path, not ten thousand.
     *
     * @throws com.jayway.jsonpath.InvalidPathException for a path that is not JSONPath
     */
    public static EventPath shared(String text) {
        EventPath p = SHARED.get(text);
        if (p == null) {
            p = new EventPath(text);
            if (SHARED.size() >= MAX_SHARED) {
                return p;
            }
            EventPath raced = SHARED.putIfAbsent(text, p);
            p = raced != null ? raced : p;
        }
        return p;
    }

    /** How many paths are shared now. */
    static int sharedCount() {
        return SHARED.size();
    }

    /**
     * @throws com.jayway.jsonpath.InvalidPathException for a path that is not JSONPath
     */
    public EventPath(String text) {
        this(text, true);
    }

    /**
     * With {@code walk} false, Jayway reads every path (the reference the walk is tested against).
     */
    EventPath(String text, boolean walk) {
        this.text = text;
        refuseRegexFilter(text);
        // Jayway parses and checks every path, so a path it refuses is refused here too.
        this.path = JsonPath.compile(text);
        this.definite = path.isDefinite();
        List<PathSteps.Step> steps = walk && path.isDefinite() ? PathSteps.of(text) : null;
        this.steps =
                steps != null && steps.stream().noneMatch(PathSteps.Step::wildcard)
                        ? steps.toArray(PathSteps.Step[]::new)
                        : null;
    }

    /**
     * Jayway evaluates {@code =~} in a filter with Java's backtracking engine, unguarded, so a path
     * may not hold one; {@code matches} on the filtered values does the same in RE2.
     *
     * @throws IllegalArgumentException for a filter with {@code =~} outside a quoted string
     */
    static void refuseRegexFilter(String text) {
        char quote = 0;
        for (int i = 0; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '=' && text.charAt(i + 1) == '~') {
                throw new IllegalArgumentException(
                        "a regular expression inside a path filter (=~) is not supported; select"
                                + " the values with the path and test them with matches, e.g."
                                + " $.items[*].name matches \"^a+$\"");
            }
        }
    }

    public String text() {
        return text;
    }

    /** Whether the path is read by walking the tree rather than by Jayway. */
    boolean walks() {
        return steps != null;
    }

    /** True for wildcards, filters and deep scans: the path may find many values. */
    public boolean isIndefinite() {
        return !definite;
    }

    /** The value at a definite path, {@link MissingNode} when absent. */
    public JsonNode one(JsonNode event) {
        return toNode(read(event));
    }

    /** Every value the path finds (one at most for a definite path); nulls left out. */
    public List<JsonNode> all(JsonNode event) {
        Object r = read(event);
        if (definite) {
            // One value at most: no list to build per event and condition.
            JsonNode n = toNode(r);
            return n.isMissingNode() || n.isNull() ? List.of() : List.of(n);
        }
        List<JsonNode> out = new ArrayList<>();
        if (r instanceof Iterable<?> many) {
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
        if (definite) {
            JsonNode n = one(event);
            return n.isMissingNode() ? JsonNodeFactory.instance.nullNode() : n;
        }
        var array = JsonNodeFactory.instance.arrayNode();
        all(event).forEach(array::add);
        return array;
    }

    private Object read(JsonNode event) {
        if (steps != null) {
            // The common case, $.properties.total: a walk down the tree, without Jayway's
            // machinery; EventPathTest checks it gives what Jayway gives.
            JsonNode node = event;
            for (PathSteps.Step step : steps) {
                node = step.isField() ? node.get(step.name()) : node.get(step.index());
                if (node == null) {
                    return null;
                }
            }
            return node;
        }
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
