package io.causality.rules.parse;

/** Text that is not a rule: where (file, line, column) and what was expected there. */
public final class RuleSyntaxException extends Exception {
    private final String file;
    private final int line;
    private final int column;
    private final String problem;

    RuleSyntaxException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the location. */
    public String problem() {
        return problem;
    }
}
