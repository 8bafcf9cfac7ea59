package io.causality.rules.json;

import static io.causality.rules.json.RuleJson.pattern;
import static io.causality.rules.json.RuleJson.requireObject;
import static io.causality.rules.json.RuleJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.Detector;
import io.causality.rules.Detector.Alert;
import io.causality.rules.Detector.Measure;
import io.causality.rules.json.RuleJson.InvalidRuleJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a detector, the value of a rule's {@code "detector"} field.
 *
 * <pre>{@code
 * {"measure": {"count": {"event": {"type": "purchase_complete"}}},
 *  "group_by": ["$.context.os.name"], "max_groups": 1000,
 *  "window_ms": 60000, "slide_ms": 60000, "lateness_ms": 0,
 *  "alert": {"threshold": {"direction": "below", "bound": 3}},
 *  "flap": {"pending_ms": 120000, "keep_firing_ms": 0, "cooldown_ms": 300000}}
 * }</pre>
 *
 * Measures: {@code {"count": pattern}}, {@code {"sum"|"avg"|"min"|"max": {"path", "on": pattern}}},
 * {@code {"distinct_count": {"path", "on": pattern}}}, {@code {"ratio": {"of": pattern, "to":
 * pattern}}}. Alerts: {@code threshold {direction, bound}}, {@code change {direction, amount,
 * percent}}, {@code no_data {for_ms}}, {@code deviation {direction, k, spread, windows, seasonal,
 * min_history}}; directions are {@code above}, {@code below}, {@code either}.
 */
final class DetectorJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DetectorJson() {}

    static ObjectNode toJson(Detector d) {
        ObjectNode o = JSON.objectNode();
        o.set("measure", measure(d.measure()));
        var groups = o.putArray("group_by");
        d.groupBy().forEach(groups::add);
        o.put("max_groups", d.maxGroups());
        o.put("window_ms", d.windowMillis());
        o.put("slide_ms", d.slideMillis());
        o.put("lateness_ms", d.latenessMillis());
        o.set("alert", alert(d.alert()));
        ObjectNode flap = o.putObject("flap");
        flap.put("pending_ms", d.flap().pendingMillis());
        flap.put("keep_firing_ms", d.flap().keepFiringMillis());
        flap.put("cooldown_ms", d.flap().cooldownMillis());
        return o;
    }

    private static ObjectNode measure(Measure m) {
        ObjectNode o = JSON.objectNode();
        if (m instanceof Measure.Count c) {
            o.set("count", pattern(c.events()));
        } else if (m instanceof Measure.Aggregate a) {
            ObjectNode f = o.putObject(a.function().word());
            f.put("path", a.path());
            f.set("on", pattern(a.events()));
        } else if (m instanceof Measure.DistinctCount dc) {
            ObjectNode f = o.putObject("distinct_count");
            f.put("path", dc.path());
            f.set("on", pattern(dc.events()));
        } else if (m instanceof Measure.Ratio r) {
            ObjectNode f = o.putObject("ratio");
            f.set("of", pattern(r.numerator()));
            f.set("to", pattern(r.denominator()));
        }
        return o;
    }

    private static ObjectNode alert(Alert a) {
        ObjectNode o = JSON.objectNode();
        if (a instanceof Alert.Threshold t) {
            ObjectNode f = o.putObject("threshold");
            f.put("direction", word(t.direction()));
            f.put("bound", t.bound());
        } else if (a instanceof Alert.Change c) {
            ObjectNode f = o.putObject("change");
            f.put("direction", word(c.direction()));
            f.put("amount", c.amount());
            f.put("percent", c.percent());
        } else if (a instanceof Alert.NoData n) {
            o.putObject("no_data").put("for_ms", n.forMillis());
        } else if (a instanceof Alert.Deviation dv) {
            ObjectNode f = o.putObject("deviation");
            f.put("direction", word(dv.direction()));
            f.put("k", dv.k());
            f.put("spread", dv.spread().name().toLowerCase(Locale.ROOT));
            f.put("windows", dv.windows());
            f.put("seasonal", dv.seasonality().word());
            f.put("min_history", dv.minHistory());
        }
        return o;
    }

    private static String word(Alert.Direction d) {
        return d.name().toLowerCase(Locale.ROOT);
    }

    static Detector fromJson(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        Measure measure = measure(o.get("measure"), where + ".measure");
        List<String> groupBy = new ArrayList<>();
        JsonNode groups = o.path("group_by");
        if (!groups.isMissingNode()) {
            if (!groups.isArray()) {
                throw new InvalidRuleJson(where + ".group_by", "must be a list of paths");
            }
            for (int i = 0; i < groups.size(); i++) {
                if (!groups.get(i).isTextual()) {
                    throw new InvalidRuleJson(where + ".group_by[" + i + "]", "must be a string");
                }
                groupBy.add(groups.get(i).asText());
            }
        }
        int maxGroups =
                o.has("max_groups") ? whole(o, "max_groups", where) : Detector.DEFAULT_MAX_GROUPS;
        long window = millis(o, "window_ms", where, true);
        long slide = o.has("slide_ms") ? millis(o, "slide_ms", where, true) : window;
        long lateness = o.has("lateness_ms") ? millis(o, "lateness_ms", where, false) : 0;
        Alert alert = alert(o.get("alert"), where + ".alert");
        Detector.Flap flap = Detector.Flap.NONE;
        if (o.has("flap")) {
            JsonNode f = o.get("flap");
            String at = where + ".flap";
            requireObject(f, at);
            flap =
                    new Detector.Flap(
                            f.has("pending_ms") ? millis(f, "pending_ms", at, false) : 0,
                            f.has("keep_firing_ms") ? millis(f, "keep_firing_ms", at, false) : 0,
                            f.has("cooldown_ms") ? millis(f, "cooldown_ms", at, false) : 0);
        }
        return new Detector(measure, groupBy, maxGroups, window, slide, lateness, alert, flap);
    }

    private static Measure measure(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        if (o.size() != 1) {
            throw new InvalidRuleJson(
                    where, "needs exactly one of count, sum, avg, min, max, distinct_count, ratio");
        }
        String kind = o.fieldNames().next();
        JsonNode v = o.get(kind);
        String at = where + "." + kind;
        switch (kind) {
            case "count":
                return new Measure.Count(pattern(v, at));
            case "distinct_count":
                requireObject(v, at);
                return new Measure.DistinctCount(
                        text(v, "path", at), pattern(v.get("on"), at + ".on"));
            case "ratio":
                requireObject(v, at);
                return new Measure.Ratio(
                        pattern(v.get("of"), at + ".of"), pattern(v.get("to"), at + ".to"));
            default:
                for (Measure.Function f : Measure.Function.values()) {
                    if (f.word().equals(kind)) {
                        requireObject(v, at);
                        return new Measure.Aggregate(
                                f, text(v, "path", at), pattern(v.get("on"), at + ".on"));
                    }
                }
                throw new InvalidRuleJson(where, "unknown measure " + kind);
        }
    }

    private static Alert alert(JsonNode o, String where) throws InvalidRuleJson {
        requireObject(o, where);
        if (o.size() != 1) {
            throw new InvalidRuleJson(
                    where, "needs exactly one of threshold, change, no_data, deviation");
        }
        String kind = o.fieldNames().next();
        JsonNode v = o.get(kind);
        String at = where + "." + kind;
        requireObject(v, at);
        switch (kind) {
            case "threshold":
                {
                    Alert.Direction d = direction(v, at);
                    if (d == Alert.Direction.EITHER) {
                        throw new InvalidRuleJson(at + ".direction", "must be above or below");
                    }
                    return new Alert.Threshold(d, number(v, "bound", at));
                }
            case "change":
                return new Alert.Change(
                        direction(v, at),
                        number(v, "amount", at),
                        v.path("percent").asBoolean(false));
            case "no_data":
                return new Alert.NoData(millis(v, "for_ms", at, true));
            case "deviation":
                {
                    String spread = text(v, "spread", at);
                    Alert.Spread sp;
                    try {
                        sp = Alert.Spread.valueOf(spread.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidRuleJson(at + ".spread", "must be sigma or mad");
                    }
                    String seasonal = v.path("seasonal").asText("none");
                    Alert.Seasonality season;
                    try {
                        season = Alert.Seasonality.valueOf(seasonal.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidRuleJson(
                                at + ".seasonal", "must be none, daily or weekly");
                    }
                    return new Alert.Deviation(
                            direction(v, at),
                            number(v, "k", at),
                            sp,
                            whole(v, "windows", at),
                            season,
                            whole(v, "min_history", at));
                }
            default:
                throw new InvalidRuleJson(where, "unknown alert " + kind);
        }
    }

    private static Alert.Direction direction(JsonNode o, String where) throws InvalidRuleJson {
        String d = text(o, "direction", where);
        try {
            return Alert.Direction.valueOf(d.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRuleJson(where + ".direction", "must be above, below or either");
        }
    }

    private static double number(JsonNode o, String field, String where) throws InvalidRuleJson {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new InvalidRuleJson(where + "." + field, "must be a number");
        }
        return v.asDouble();
    }

    private static int whole(JsonNode o, String field, String where) throws InvalidRuleJson {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidRuleJson(where + "." + field, "must be a whole number");
        }
        return v.asInt();
    }

    private static long millis(JsonNode o, String field, String where, boolean positive)
            throws InvalidRuleJson {
        JsonNode v = o.get(field);
        if (v == null
                || !v.isIntegralNumber()
                || !v.canConvertToLong()
                || v.asLong() < 0
                || (positive && v.asLong() == 0)) {
            throw new InvalidRuleJson(
                    where + "." + field,
                    positive
                            ? "must be a positive number of milliseconds"
                            : "must be 0 or more milliseconds");
        }
        return v.asLong();
    }
}
