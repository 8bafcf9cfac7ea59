package io.causality.rules;

import java.util.Arrays;
import java.util.Optional;

/** Comparison operators of conditions, by the symbol the language and the JSON form use. */
public enum Operator {
    EQ("=="),
    NE("!="),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    CONTAINS("contains"),
    MATCHES("matches"),
    IN("in");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Whether the operator orders values (numbers, or strings such as ISO dates). */
    public boolean isOrdering() {
        return this == GT || this == GE || this == LT || this == LE;
    }

    public static Optional<Operator> fromSymbol(String symbol) {
        return Arrays.stream(values()).filter(o -> o.symbol.equals(symbol)).findFirst();
    }
}
