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

    private SafeRegex() {}

    /**
     * @throws IllegalArgumentException with what is wrong, for a pattern RE2 does not accept
     */
    public static Pattern compile(String regex) {
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
