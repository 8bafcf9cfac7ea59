package io.causality.rules.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.Action;
import io.causality.rules.Condition;
import io.causality.rules.Detector;
import io.causality.rules.EventPattern;
import io.causality.rules.EventSelector;
import io.causality.rules.Operator;
import io.causality.rules.PayloadValue;
import io.causality.rules.Rule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a rule, what travels on {@code causality.rules}. Written and read by hand rather
 * than by data binding, so that the wire format is visible here and stays stable when the Java
 * model changes. {@code fromJson(toJson(r)).equals(r)} for every rule.
 *
 * <pre>{@code
 * {"name": "big-purchase", "apps": ["demo-shop"],
 *  "on": {"event": {"type": "purchase_complete"},
 *         "where": {"and": [{"path": "$.properties.total", "op": ">=", "value": 500}, ...]}},
 *  "actions": [{"webhook": "sales", "payload": {"order": {"path": "$.properties.order_id"}}}]}
 * }</pre>
 */
public final class RuleJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RuleJson() {}

    /** A JSON document that is not a rule, with the JSON path of the problem. */
    public static final class InvalidRuleJson extends Exception {
        public InvalidRuleJson(String where, String problem) {
            super(where + ": " + problem);
        }
    }

    public static ObjectNode toJson(Rule rule) {
        ObjectNode o = JSON.objectNode();
        o.put("name", rule.name());
        ArrayNode apps = o.putArray("apps");
        rule.apps().forEach(apps::add);
        if (rule.trigger() instanceof Rule.Match m) {
            o.set("on", pattern(m.event()));
        } else if (rule.trigger() instanceof Rule.Sequence s) {
            {
                ObjectNode seq = o.putObject("sequence");
                seq.put("key", s.keyPath());
                seq.put("within_ms", s.withinMillis());
                ArrayNode steps = seq.putArray("steps");
                for (Rule.Step step : s.steps()) {
                    ObjectNode st = pattern(step.event());
                    st.put("times", step.times());
                    if (step.alias() != null) {
                        st.put("as", step.alias());
                    }
                    steps.add(st);
                }
                if (s.absent() != null) {
                    seq.set("not_followed_by", pattern(s.absent()));
                }
            }
        } else if (rule.trigger() instanceof Detector d) {
            o.set("detector", DetectorJson.toJson(d));
        }
        ArrayNode actions = o.putArray("actions");
        for (Action a : rule.actions()) {
            ObjectNode ao = actions.addObject();
            ao.put(a.kind() == Action.Kind.WEBHOOK ? "webhook" : "emit", a.target());
            ObjectNode payload = ao.putObject("payload");
            a.payload().forEach((k, v) -> payload.set(k, payloadValue(v)));
        }
        return o;
    }

    static ObjectNode pattern(EventPattern p) {
        ObjectNode o = JSON.objectNode();
        ObjectNode event = o.putObject("event");
        switch (p.selector().kind()) {
            case TYPE -> event.put("type", p.selector().name());
            case CUSTOM -> event.put("custom", p.selector().name());
            case ANY -> event.put("any", true);
        }
        if (p.where() != null) {
            o.set("where", condition(p.where()));
        }
        return o;
    }

    private static ObjectNode condition(Condition c) {
        ObjectNode o = JSON.objectNode();
        if (c instanceof Condition.And and) {
            ArrayNode terms = o.putArray("and");
            and.terms().forEach(t -> terms.add(condition(t)));
        } else if (c instanceof Condition.Or or) {
            ArrayNode terms = o.putArray("or");
            or.terms().forEach(t -> terms.add(condition(t)));
        } else if (c instanceof Condition.Not not) {
            o.set("not", condition(not.term()));
        } else if (c instanceof Condition.Compare cmp) {
            o.put("path", cmp.path());
            o.put("op", cmp.op().symbol());
            o.set("value", cmp.value());
        } else if (c instanceof Condition.Exists ex) {
            o.put("path", ex.path());
            o.put("op", "exists");
        }
        return o;
    }

    private static ObjectNode payloadValue(PayloadValue v) {
        ObjectNode o = JSON.objectNode();
        if (v instanceof PayloadValue.Literal l) {
            o.set("value", l.value());
        } else if (v instanceof PayloadValue.EventField f) {
            o.put("path", f.path());
            if (f.step() != null) {
                o.put("step", f.step());
            }
        } else if (v instanceof PayloadValue.MatchInfo m) {
            o.put("match", m.fact().word());
        }
        return o;
    }

    public static Rule fromJson(JsonNode o) throws InvalidRuleJson {
        requireObject(o, "$");
        String name = text(o, "name", "$");
        List<String> apps = new ArrayList<>();
        JsonNode appsNode = o.path("apps");
        if (!appsNode.isMissingNode()) {
            if (!appsNode.isArray()) {
                throw new InvalidRuleJson("$.apps", "must be a list of app ids");
            }
            for (int i = 0; i < appsNode.size(); i++) {
                if (!appsNode.get(i).isTextual()) {
                    throw new InvalidRuleJson("$.apps[" + i + "]", "must be a string");
                }
                apps.add(appsNode.get(i).asText());
            }
        }
        Rule.Trigger trigger;
        int triggers =
                (o.has("on") ? 1 : 0) + (o.has("sequence") ? 1 : 0) + (o.has("detector") ? 1 : 0);
        if (triggers != 1) {
            throw new InvalidRuleJson(
                    "$", "needs exactly one of \"on\", \"sequence\" and \"detector\"");
        }
        if (o.has("detector")) {
            trigger = DetectorJson.fromJson(o.get("detector"), "$.detector");
        } else if (o.has("on")) {
            trigger = new Rule.Match(pattern(o.get("on"), "$.on"));
        } else {
            JsonNode s = o.get("sequence");
            requireObject(s, "$.sequence");
            String key = text(s, "key", "$.sequence");
            JsonNode within = s.path("within_ms");
            if (!within.canConvertToLong() || within.asLong() <= 0) {
                throw new InvalidRuleJson("$.sequence.within_ms", "must be a positive number");
            }
            JsonNode stepsNode = s.path("steps");
            if (!stepsNode.isArray() || stepsNode.isEmpty()) {
                throw new InvalidRuleJson("$.sequence.steps", "must be a non-empty list");
            }
            List<Rule.Step> steps = new ArrayList<>();
            for (int i = 0; i < stepsNode.size(); i++) {
                String where = "$.sequence.steps[" + i + "]";
                JsonNode st = stepsNode.get(i);
                JsonNode times = st.path("times");
                if (!times.isMissingNode() && !times.canConvertToInt()) {
                    throw new InvalidRuleJson(where + ".times", "must be a whole number");
                }
                JsonNode alias = st.path("as");
                steps.add(
                        new Rule.Step(
                                pattern(st, where),
                                times.isMissingNode() ? 1 : times.asInt(),
                                alias.isTextual() ? alias.asText() : null));
            }
            EventPattern absent =
                    s.has("not_followed_by")
                            ? pattern(s.get("not_followed_by"), "$.sequence.not_followed_by")
                            : null;
            trigger = new Rule.Sequence(key, within.asLong(), steps, absent);
        }
        JsonNode actionsNode = o.path("actions");
        if (!actionsNode.isArray()) {
            throw new InvalidRuleJson("$.actions", "must be a list");
        }
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < actionsNode.size(); i++) {
            actions.add(action(actionsNode.get(i), "$.actions[" + i + "]"));
        }
        return new Rule(name, apps, trigger, actions);
    }

    static EventPattern pattern(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        JsonNode e = o.path("event");
        requireObject(e, where + ".event");
        EventSelector selector;
        if (e.path("type").isTextual()) {
            selector = EventSelector.type(e.get("type").asText());
        } else if (e.path("custom").isTextual()) {
            selector = EventSelector.custom(e.get("custom").asText());
        } else if (e.path("any").asBoolean(false)) {
            selector = EventSelector.ANY_EVENT;
        } else {
            throw new InvalidRuleJson(
                    where + ".event", "needs \"type\", \"custom\" (strings) or \"any\": true");
        }
        return new EventPattern(
                selector, o.has("where") ? condition(o.get("where"), where + ".where") : null);
    }

    private static Condition condition(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        for (String junction : List.of("and", "or")) {
            if (o.has(junction)) {
                JsonNode terms = o.get(junction);
                if (!terms.isArray() || terms.size() < 2) {
                    throw new InvalidRuleJson(
                            where + "." + junction, "must list two or more conditions");
                }
                List<Condition> list = new ArrayList<>();
                for (int i = 0; i < terms.size(); i++) {
                    list.add(condition(terms.get(i), where + "." + junction + "[" + i + "]"));
                }
                return junction.equals("and") ? new Condition.And(list) : new Condition.Or(list);
            }
        }
        if (o.has("not")) {
            return new Condition.Not(condition(o.get("not"), where + ".not"));
        }
        String path = text(o, "path", where);
        String op = text(o, "op", where);
        if (op.equals("exists")) {
            return new Condition.Exists(path);
        }
        Operator operator =
                Operator.fromSymbol(op)
                        .orElseThrow(
                                () -> new InvalidRuleJson(where + ".op", "unknown operator " + op));
        if (!o.has("value")) {
            throw new InvalidRuleJson(where, "needs \"value\"");
        }
        return new Condition.Compare(path, operator, o.get("value"));
    }

    private static Action action(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        Action.Kind kind;
        String target;
        if (o.path("webhook").isTextual()) {
            kind = Action.Kind.WEBHOOK;
            target = o.get("webhook").asText();
        } else if (o.path("emit").isTextual()) {
            kind = Action.Kind.EMIT;
            target = o.get("emit").asText();
        } else {
            throw new InvalidRuleJson(where, "needs \"webhook\" or \"emit\" (a string)");
        }
        Map<String, PayloadValue> payload = new LinkedHashMap<>();
        JsonNode p = o.path("payload");
        if (!p.isMissingNode()) {
            requireObject(p, where + ".payload");
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                payload.put(
                        f.getKey(), payloadValue(f.getValue(), where + ".payload." + f.getKey()));
            }
        }
        return new Action(kind, target, payload);
    }

    private static PayloadValue payloadValue(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        if (o.has("value")) {
            return new PayloadValue.Literal(o.get("value"));
        }
        if (o.path("path").isTextual()) {
            return new PayloadValue.EventField(
                    o.path("step").isTextual() ? o.get("step").asText() : null,
                    o.get("path").asText());
        }
        if (o.path("match").isTextual()) {
            String word = o.get("match").asText();
            return new PayloadValue.MatchInfo(
                    PayloadValue.Fact.fromWord(word)
                            .orElseThrow(
                                    () ->
                                            new InvalidRuleJson(
                                                    where + ".match", "unknown fact " + word)));
        }
        throw new InvalidRuleJson(where, "needs \"value\", \"path\" or \"match\"");
    }

    static void requireObject(JsonNode n, String where) throws InvalidRuleJson {
        if (n == null || !n.isObject()) {
            throw new InvalidRuleJson(where, "must be an object");
        }
    }

    static String text(JsonNode o, String field, String where) throws InvalidRuleJson {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidRuleJson(where + "." + field, "must be a string");
        }
        return v.asText();
    }
}
