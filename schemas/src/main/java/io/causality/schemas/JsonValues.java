package io.causality.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.lake.LakeColumn;
import io.causality.schemas.lake.LakeSchema;
import io.causality.schemas.lake.LakeType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What JSON allows but an event cannot keep unchanged, found in one walk over the tree: numbers
 * that do not survive as a double (not finite, or so small they become 0), whole numbers beyond 64
 * bits in a column the lake keeps as a long, strings and field names that are not valid Unicode
 * (lone surrogates, which every UTF-8 writer turns into "?"), and nesting deeper than the readers
 * of events accept. Each is refused, never changed.
 */
final class JsonValues {
    private static final List<LakeColumn> WHOLE_NUMBER_COLUMNS =
            LakeSchema.columns().stream()
                    .filter(c -> c.type() == LakeType.LONG || c.type() == LakeType.INT)
                    .filter(c -> c.pointer() != null)
                    .toList();

    private JsonValues() {}

    static void check(JsonNode event, List<Violation> out) {
        walk(event, "$", 1, out);
        for (LakeColumn c : WHOLE_NUMBER_COLUMNS) {
            JsonNode v = event.at(c.pointer());
            if (v.isBigInteger() || (v.isFloatingPointNumber() && !fitsLong(v))) {
                out.add(
                        new Violation(
                                ErrorCodes.NUMBER_OUT_OF_RANGE,
                                "$" + c.pointer().replace('/', '.'),
                                "a whole number beyond 64 bits; this field holds -2^63 to 2^63-1"));
            }
        }
    }

    /** A whole number written with a fraction or exponent (4.5E15) that fits 64 bits. */
    private static boolean fitsLong(JsonNode v) {
        if (!Double.isFinite(v.doubleValue())) {
            return true; // refused as not finite
        }
        try {
            v.decimalValue().longValueExact();
            return true;
        } catch (ArithmeticException e) {
            // a fraction is the schema's wrong_type; only a whole number too large is ours
            return v.decimalValue().stripTrailingZeros().scale() > 0;
        }
    }

    private static void walk(JsonNode node, String path, int depth, List<Violation> out) {
        if (node.isContainerNode() && depth > EventJson.MAX_NESTING_DEPTH) {
            out.add(
                    new Violation(
                            ErrorCodes.TOO_DEEP,
                            path,
                            "nested deeper than " + EventJson.MAX_NESTING_DEPTH + " levels"));
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + e.getKey();
                if (!validUnicode(e.getKey())) {
                    out.add(unicode(path));
                }
                walk(e.getValue(), child, depth + 1, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", depth + 1, out);
            }
        } else if (node.isTextual()) {
            if (!validUnicode(node.textValue())) {
                out.add(unicode(path));
            }
        } else if (node.isFloatingPointNumber()) {
            checkFloat(node, path, out);
        }
    }

    private static void checkFloat(JsonNode node, String path, List<Violation> out) {
        double d = node.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            out.add(
                    new Violation(
                            ErrorCodes.NUMBER_OUT_OF_RANGE,
                            path,
                            "a number beyond ±1.8e308 (a double's range); send it as a string"));
        } else if (d == 0 && node.isBigDecimal() && node.decimalValue().signum() != 0) {
            out.add(
                    new Violation(
                            ErrorCodes.NUMBER_OUT_OF_RANGE,
                            path,
                            "a number too close to zero to be kept (below 4.9e-324); send it as a"
                                    + " string"));
        }
    }

    private static Violation unicode(String path) {
        return new Violation(
                ErrorCodes.INVALID_UNICODE,
                path,
                "text with a lone surrogate (e.g. \\ud800) is not valid Unicode; send whole"
                        + " characters");
    }

    /** Whether every surrogate is half of a pair. */
    static boolean validUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
