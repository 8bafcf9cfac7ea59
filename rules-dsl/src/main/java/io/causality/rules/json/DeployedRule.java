package io.causality.rules.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.Rule;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A rule as it is deployed: the value of a {@code causality.rules} record, keyed by the rule's name
 * (a tombstone, a null value, deletes it). The version goes up by one with every deploy that
 * changes the rule; the jobs drop partial matches of older versions.
 *
 * <pre>{@code {"version": 2, "deployed_at": "2026-11-22T10:00:00Z", "source": "shop.rules:3",
 *  "rule": {...the rule's JSON form...}}}</pre>
 *
 * @param source where the rule was written (file:line), for people reading the topic
 */
public record DeployedRule(Rule rule, int version, Instant deployedAt, String source) {
    public DeployedRule {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(deployedAt, "deployedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version starts at 1, got " + version);
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("version", version);
        o.put("deployed_at", deployedAt.toString());
        if (source != null) {
            o.put("source", source);
        }
        o.set("rule", RuleJson.toJson(rule));
        return o;
    }

    public static DeployedRule fromJson(JsonNode o) throws RuleJson.InvalidRuleJson {
        if (o == null || !o.isObject()) {
            throw new RuleJson.InvalidRuleJson("$", "must be an object");
        }
        JsonNode version = o.path("version");
        if (!version.canConvertToInt() || version.asInt() < 1) {
            throw new RuleJson.InvalidRuleJson("$.version", "must be a whole number from 1");
        }
        Instant at;
        try {
            at = Instant.parse(o.path("deployed_at").asText(""));
        } catch (DateTimeParseException e) {
            throw new RuleJson.InvalidRuleJson("$.deployed_at", "must be an RFC 3339 instant");
        }
        Rule rule = RuleJson.fromJson(o.get("rule"));
        JsonNode source = o.path("source");
        return new DeployedRule(
                rule, version.asInt(), at, source.isTextual() ? source.asText() : null);
    }
}
