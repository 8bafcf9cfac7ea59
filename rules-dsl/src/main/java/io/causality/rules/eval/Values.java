package io.causality.rules.eval;

import com.fasterxml.jackson.databind.JsonNode;

/** Comparing JSON values as conditions do: numbers by value whatever their form, else exactly. */
final class Values {
    private Values() {}

    /** Same JSON kind: both numbers, both strings, both booleans, ... */
    static boolean sameKind(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return true;
        }
        return a.getNodeType() == b.getNodeType();
    }

    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return compareNumbers(a, b) == 0;
        }
        return a.equals(b);
    }

    /** 500 == 500.0; longs exactly, anything else as decimals when it matters. */
    static int compareNumbers(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber()
                && b.isIntegralNumber()
                && a.canConvertToLong()
                && b.canConvertToLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if ((a.isDouble() || a.isFloat() || a.canConvertToLong())
                && (b.isDouble() || b.isFloat() || b.canConvertToLong())) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.decimalValue().compareTo(b.decimalValue());
    }
}
