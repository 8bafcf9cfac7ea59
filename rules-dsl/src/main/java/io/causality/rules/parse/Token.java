package io.causality.rules.parse;

/**
 * A token of the rule language with where it starts (1-based line and column).
 *
 * @param text the token as written, except STRING (its decoded value) and PATH (the JSONPath)
 */
record Token(Kind kind, String text, int line, int column) {
    enum Kind {
        WORD,
        STRING,
        NUMBER,
        DURATION,
        /** a JSONPath; {@code $signup.user_id} has the step alias as a separate AT-less prefix */
        PATH,
        /** {@code @key}: the word after the sign */
        FACT,
        OPERATOR,
        PUNCT,
        EOF
    }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isWord(String w) {
        return is(Kind.WORD, w);
    }

    boolean isPunct(String p) {
        return is(Kind.PUNCT, p);
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case EOF -> "the end of the file";
            case STRING -> "the string \"" + text + "\"";
            case PATH -> "the path " + text;
            case FACT -> "@" + text;
            default -> "'" + text + "'";
        };
    }
}
