package io.causality.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a match causes: a webhook to a named endpoint, or a record emitted to a Kafka topic, each
 * with a payload built from the matched events.
 *
 * @param target the endpoint's name (WEBHOOK) or the topic (EMIT)
 * @param payload field name → value, in the order written
 */
public record Action(Kind kind, String target, Map<String, PayloadValue> payload) {
    public enum Kind {
        WEBHOOK,
        EMIT
    }

    public Action {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        payload = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(payload));
    }
}
