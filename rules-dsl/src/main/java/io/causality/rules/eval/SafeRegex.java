package io.causality.rules.eval;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Regular expressions for {@code matches}, in RE2/J: an automaton that reads each input character a
 * bounded number of times, so no pattern backtracks catastrophically and none recurses on its input
 * (Java's engine overflows the stack on {@code (a|b)*} over 20,000 characters). What RE2 leaves out
 * for that guarantee, backreferences and lookaround, is refused when a rule is validated. Inputs
 * longer than {@link #MAX_INPUT} are not searched: a field that long is not what a rule is for, and
 * linear is still linear in the length.
 */
public final class SafeRegex {
    /** Longer inputs are not searched; the evaluation counts as failed for the rule. */
    public static final int MAX_INPUT = 64 * 1024;

    /**
     * How many copies of its innermost atom counted repetitions may make, nested: RE2 unrolls
     * {@code x{n}} into n copies, so {@code (a{1000}){1000}} is a program of a million steps per
     * input character. Each count alone is limited by RE2 to 1,000; their product is by this.
     */
    static final long MAX_REPETITION = 1_000;

    private SafeRegex() {}

    /**
     * The largest product of nested counted repetitions ({@code {n}}, {@code {n,m}}, {@code {n,}})
     * in the pattern; 1 without any. Escapes and character classes hold none.
     */
    public static long repetitionSize(String regex) {
        java.util.ArrayDeque<long[]> groups = new java.util.ArrayDeque<>();
        long[] top = {1};
        groups.push(top);
        long atom = 1; // the size of what a quantifier after it would repeat
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            switch (c) {
                case '\\' -> {
                    i++;
                    atom = 1;
                }
                case '[' -> {
                    i++;
                    if (i < regex.length() && regex.charAt(i) == '^') {
                        i++;
                    }
                    if (i < regex.length() && regex.charAt(i) == ']') {
                        i++;
                    }
                    while (i < regex.length() && regex.charAt(i) != ']') {
                        if (regex.charAt(i) == '\\') {
                            i++;
                        }
                        i++;
                    }
                    atom = 1;
                }
                case '(' -> {
                    groups.push(new long[] {1});
                    atom = 1;
                }
                case ')' -> {
                    long inner = groups.size() > 1 ? groups.pop()[0] : 1;
                    atom = inner;
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long count = close < 0 ? -1 : upperCount(regex.substring(i + 1, close));
                    if (count >= 0) {
                        atom = Math.min(Long.MAX_VALUE / 2, atom * Math.max(1, count));
                        i = close;
                    }
                }
                default -> atom = 1;
            }
            long[] current = groups.peek();
            current[0] = Math.max(current[0], atom);
        }
        return top[0];
    }

    /** The larger bound of a {@code {n}}, {@code {n,m}} or {@code {n,}} body; -1 if not one. */
    private static long upperCount(String body) {
        String[] parts = body.split(",", -1);
        try {
            if (parts.length == 1) {
                return Long.parseLong(parts[0].trim());
            }
            if (parts.length == 2) {
                return parts[1].isBlank()
                        ? Long.parseLong(parts[0].trim())
                        : Long.parseLong(parts[1].trim());
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * @throws IllegalArgumentException with what is wrong, for a pattern RE2 does not accept
     */
    public static Pattern compile(String regex) {
        long size = repetitionSize(regex);
        if (size > MAX_REPETITION) {
            throw new IllegalArgumentException(
                    "counted repetitions nest to "
                            + size
                            + " copies (at most "
                            + MAX_REPETITION
                            + "): RE2 unrolls them, and so many make every match slow; use *"
                            + " or + where the exact count does not matter in "
                            + regex);
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(problem(e, regex), e);
        }
    }

    /** Why RE2 refuses the pattern, said for a rule's author. */
    static String problem(PatternSyntaxException e, String regex) {
        String description = e.getDescription();
        String hint =
                description.contains("Perl syntax")
                                || description.contains("escape sequence")
                                || description.contains("named capture")
                        ? " (backreferences, lookahead and lookbehind are not supported: they"
                                + " would make matching take exponential time)"
                        : "";
        String part = e.getPattern().equals(regex) ? "" : " `" + e.getPattern() + "`";
        return description + part + hint + " in " + regex;
    }

    /** Whether the pattern is found anywhere in the input. */
    public static boolean find(Pattern pattern, String input) {
        if (input.length() > MAX_INPUT) {
            throw new RuleEvaluationException(
                    "input of "
                            + input.length()
                            + " characters is too long for matches (at most "
                            + MAX_INPUT
                            + ")");
        }
        return pattern.matcher(input).find();
    }
}
