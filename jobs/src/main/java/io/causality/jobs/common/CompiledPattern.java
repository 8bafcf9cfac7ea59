package io.causality.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.EventPattern;
import io.causality.rules.EventSelector;
import io.causality.rules.eval.CompiledCondition;
import io.causality.schemas.EventFields;

/**
 * An event pattern of a rule or detector, its condition compiled: whether an event is of the
 * selected kind, then whether the condition holds.
 */
public record CompiledPattern(EventSelector selector, CompiledCondition where) {
    public static CompiledPattern of(EventPattern p) {
        return new CompiledPattern(
                p.selector(),
                p.where() == null
                        ? CompiledCondition.always()
                        : CompiledCondition.compile(p.where()));
    }

    public boolean test(JsonNode event) {
        return selects(selector, event) && where.test(event);
    }

    public static boolean selects(EventSelector selector, JsonNode event) {
        String type = event.path(EventFields.TYPE).asText();
        return switch (selector.kind()) {
            case ANY -> true;
            case TYPE -> selector.name().equals(type);
            case CUSTOM ->
                    "custom".equals(type)
                            && selector.name().equals(event.path(EventFields.NAME).asText());
        };
    }
}
