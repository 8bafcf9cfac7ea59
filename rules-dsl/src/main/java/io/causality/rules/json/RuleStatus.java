package io.causality.rules.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * What a job says about one version of a rule that does not run as deployed: the value of a {@code
 * causality.rule-status} record, keyed by the rule's name (compacted: the newest says it). {@code
 * causality rules list} shows it next to the deployed rule while the versions agree; a deploy of a
 * new version resumes the rule, and makes the record stale.
 *
 * <pre>{@code {"rule": "ua-bot", "version": 3, "state": "suspended", "errors": 101,
 *  "reason": "input of 70000 characters is too long for matches (at most 65536)",
 *  "at": "2026-12-02T10:00:00Z", "job": "reaction", "operator": "evaluate-rules"}}</pre>
 *
 * @param errors evaluation errors within the suspension window when it was suspended (0 for a
 *     refusal)
 */
public record RuleStatus(
        String rule,
        int version,
        State state,
        String reason,
        long errors,
        Instant at,
        String job,
        String operator) {

    public enum State {
        /** Failed on too many events within the window; runs again once deployed anew. */
        SUSPENDED,
        /** Cannot run at all: the job's validator or compiler refuses this version. */
        REFUSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RuleStatus {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("rule", rule);
        o.put("version", version);
        o.put("state", state.wireName());
        o.put("reason", reason);
        o.put("errors", errors);
        o.put("at", at.toString());
        o.put("job", job);
        o.put("operator", operator);
        return o;
    }

    /**
     * @throws IllegalArgumentException for a record that is not a rule status
     */
    public static RuleStatus fromJson(JsonNode o) {
        if (o == null || !o.isObject() || !o.path("rule").isTextual()) {
            throw new IllegalArgumentException("not a rule status: " + o);
        }
        return new RuleStatus(
                o.path("rule").asText(),
                o.path("version").asInt(),
                State.valueOf(o.path("state").asText("").toUpperCase(Locale.ROOT)),
                o.path("reason").asText(null),
                o.path("errors").asLong(),
                Instant.parse(o.path("at").asText()),
                o.path("job").asText(null),
                o.path("operator").asText(null));
    }
}
