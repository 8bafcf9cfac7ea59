package io.causality.rules.validate;

import java.util.ArrayList;
import java.util.List;

/**
 * The field names along a JSONPath, for checking them against the schemas (evaluation is Jayway's
 * JsonPath, never this). Follows {@code .name}, {@code ['name']}, {@code [0]} (as {@code #}) and
 * {@code [*]}/{@code .*} (as {@code *}); for anything else (filters, deep scan, unions, slices) it
 * gives up and returns null, and the path goes unchecked.
 */
final class PathSegments {
    private PathSegments() {}

    static List<String> of(String path) {
        if (!path.startsWith("$")) {
            return null;
        }
        List<String> out = new ArrayList<>();
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
                out.add(name);
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                String inner = path.substring(i + 1, close).trim();
                if (inner.equals("*")) {
                    out.add("*");
                } else if (inner.matches("\\d+")) {
                    out.add("#");
                } else if (inner.length() >= 2
                        && inner.startsWith("'")
                        && inner.endsWith("'")
                        && inner.indexOf('\'', 1) == inner.length() - 1) {
                    out.add(inner.substring(1, inner.length() - 1));
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
