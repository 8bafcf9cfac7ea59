package io.causality.rules.validate;

import io.causality.rules.parse.SourceMap;

/** A problem the validator found: an error stops a deploy, a warning does not. */
public record Diagnostic(Severity severity, SourceMap.Position at, String rule, String message) {
    public enum Severity {
        ERROR,
        WARNING
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: error: rule "x": message}, as compilers print it. */
    @Override
    public String toString() {
        return at
                + ": "
                + severity.name().toLowerCase(java.util.Locale.ROOT)
                + ": "
                + (rule != null ? "rule \"" + rule + "\": " : "")
                + message;
    }
}
