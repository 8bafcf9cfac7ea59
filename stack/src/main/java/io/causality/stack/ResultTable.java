package io.causality.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A query result as a text table: numbers right-aligned, NULL for null, a row count below. */
public final class ResultTable {
    private static final Set<String> NUMERIC =
            Set.of("tinyint", "smallint", "integer", "bigint", "real", "double");

    private ResultTable() {}

    public static String format(TrinoClient.Result result) {
        int n = result.columns().size();
        List<String[]> cells = new ArrayList<>();
        for (List<JsonNode> row : result.rows()) {
            String[] line = new String[n];
            for (int i = 0; i < n; i++) {
                JsonNode v = i < row.size() ? row.get(i) : null;
                line[i] =
                        v == null || v.isNull()
                                ? "NULL"
                                : v.isValueNode() ? v.asText() : v.toString();
            }
            cells.add(line);
        }
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        for (int i = 0; i < n; i++) {
            width[i] = result.columns().get(i).length();
            String type = result.types().get(i);
            right[i] = NUMERIC.contains(type) || type.startsWith("decimal");
            for (String[] line : cells) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, result.columns().toArray(String[]::new), width, new boolean[n]);
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.append('\n');
        for (String[] line : cells) {
            appendLine(out, line, width, right);
        }
        int rows = cells.size();
        out.append('(').append(rows).append(rows == 1 ? " row)" : " rows)").append('\n');
        return out.toString();
    }

    private static void appendLine(StringBuilder out, String[] line, int[] width, boolean[] right) {
        for (int i = 0; i < line.length; i++) {
            String pad = " ".repeat(width[i] - line[i].length());
            out.append(i == 0 ? "" : " | ")
                    .append(
                            right[i]
                                    ? pad + line[i]
                                    : i == line.length - 1 ? line[i] : line[i] + pad);
        }
        out.append('\n');
    }
}
