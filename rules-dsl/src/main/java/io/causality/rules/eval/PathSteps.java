package io.causality.rules.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a simple JSONPath: {@code .name}, {@code ['name']}, {@code [3]} and the wildcards
 * {@code [*]} / {@code .*}. Anything else (filters, deep scan, unions, slices, negative indexes) is
 * not simple, and {@link #of} returns null: such paths are left to Jayway alone. The validator uses
 * the steps to check field names against the schemas; {@link EventPath} uses them to read a path
 * without wildcards by walking the tree (a test checks it against Jayway).
 */
public final class PathSteps {
    /** One step: a field name, an array index, or every element. */
    public record Step(String name, int index, boolean wildcard) {
        static Step field(String name) {
            // Interned like the field names Jackson reads, so that looking one up in an event
            // mostly compares references rather than characters.
            return new Step(name.intern(), -1, false);
        }

        static Step element(int index) {
            return new Step(null, index, false);
        }

        static final Step ALL = new Step(null, -1, true);

        public boolean isField() {
            return name != null;
        }
    }

    private PathSteps() {}

    /** The steps, or null if the path is not simple. */
    public static List<Step> of(String path) {
        if (!path.startsWith("$")) {
            return null;
        }
        List<Step> out = new ArrayList<>();
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                if (i + 1 < path.length() && path.charAt(i + 1) == '.') {
                    return null;
                }
                int start = ++i;
                while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
                    i++;
                }
                String name = path.substring(start, i);
                if (name.isEmpty()) {
                    return null;
                }
                out.add(name.equals("*") ? Step.ALL : Step.field(name));
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                String inner = path.substring(i + 1, close).trim();
                if (inner.equals("*")) {
                    out.add(Step.ALL);
                } else if (inner.matches("\\d{1,9}")) {
                    out.add(Step.element(Integer.parseInt(inner)));
                } else if (inner.length() >= 2
                        && inner.startsWith("'")
                        && inner.endsWith("'")
                        && inner.indexOf('\'', 1) == inner.length() - 1
                        && inner.indexOf('\\') < 0) {
                    out.add(Step.field(inner.substring(1, inner.length() - 1)));
                } else {
                    return null;
                }
                i = close + 1;
            } else {
                return null;
            }
        }
        return out;
    }
}
