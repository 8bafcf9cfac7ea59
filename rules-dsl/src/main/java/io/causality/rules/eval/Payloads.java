package io.causality.rules.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.Action;
import io.causality.rules.PayloadValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds an action's payload from a match, its paths compiled once. */
public final class Payloads {
    /**
     * What a match knows: its events by step name, the completing event, and facts; for a
     * detector's anomaly, its own facts ({@code @value}, {@code @group}, ...) and no events.
     */
    public record Match(
            String rule,
            int version,
            String key,
            long timeMillis,
            List<String> eventIds,
            Map<String, JsonNode> eventsByStep,
            JsonNode lastEvent,
            Map<PayloadValue.Fact, JsonNode> detectorFacts) {

        public Match(
                String rule,
                int version,
                String key,
                long timeMillis,
                List<String> eventIds,
                Map<String, JsonNode> eventsByStep,
                JsonNode lastEvent) {
            this(rule, version, key, timeMillis, eventIds, eventsByStep, lastEvent, Map.of());
        }
    }

    /** A field of a matched event, its path compiled. */
    private record FieldRead(String step, EventPath path) {}

    private final Map<String, Object> compiled = new LinkedHashMap<>();

    /**
     * @throws IllegalArgumentException for a path that is not JSONPath
     */
    public Payloads(Action action) {
        action.payload()
                .forEach(
                        (field, value) ->
                                compiled.put(
                                        field,
                                        value instanceof PayloadValue.EventField f
                                                ? new FieldRead(f.step(), new EventPath(f.path()))
                                                : value));
    }

    public ObjectNode render(Match m) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        compiled.forEach(
                (field, value) -> {
                    if (value instanceof FieldRead read) {
                        JsonNode event =
                                read.step() == null
                                        ? m.lastEvent()
                                        : m.eventsByStep().get(read.step());
                        out.set(field, event == null ? f.nullNode() : read.path().asJson(event));
                    } else if (value instanceof PayloadValue.Literal l) {
                        out.set(field, l.value());
                    } else if (value instanceof PayloadValue.MatchInfo info) {
                        out.set(field, fact(info.fact(), m, f));
                    }
                });
        return out;
    }

    private static JsonNode fact(PayloadValue.Fact fact, Match m, JsonNodeFactory f) {
        return switch (fact) {
            case KEY -> m.key() == null ? f.nullNode() : f.textNode(m.key());
            case RULE -> f.textNode(m.rule());
            case VERSION -> f.numberNode(m.version());
            case TIME -> f.textNode(java.time.Instant.ofEpochMilli(m.timeMillis()).toString());
            case COUNT -> f.numberNode(m.eventIds().size());
            case EVENT_IDS -> {
                ArrayNode ids = f.arrayNode();
                m.eventIds().forEach(ids::add);
                yield ids;
            }
            case VALUE, BASELINE, SEVERITY, STATE, GROUP, WINDOW_START, WINDOW_END ->
                    m.detectorFacts().getOrDefault(fact, f.nullNode());
        };
    }
}
