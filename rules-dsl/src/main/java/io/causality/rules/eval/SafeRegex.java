package io.causality.rules.eval;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Regular expressions for {@code matches}, guarded twice against catastrophic backtracking: the
 * validator refuses nested unbounded quantifiers such as {@code (a+)+} (the usual cause), and at
 * run time a match that reads the input far more often than its length allows is stopped, so one
 * hostile pattern or event costs a bounded amount of time.
 */
public final class SafeRegex {
    /** Reads of the input per character before a match is stopped. */
    static final int STEPS_PER_CHAR = 200;

    private static final int BASE_STEPS = 10_000;

    /** Longer inputs are not searched (an event field this long is not what a rule is for). */
    static final int MAX_INPUT = 64 * 1024;

    private SafeRegex() {}

    public static Pattern compile(String regex) {
        return Pattern.compile(regex);
    }

    /**
     * Why the pattern may backtrack catastrophically, if it repeats without bound a group that
     * itself holds an unbounded repetition and no literal that every pass must match ({@code
     * (a+)+}, {@code (\w*\s?)*}, {@code (x+y?){2,}}). A required literal such as the comma in
     * {@code \d+(,\d+)*} separates the passes, so that is allowed. This catches the usual cases,
     * not all of them; the run-time step budget of {@link #find} bounds the rest.
     */
    public static Optional<String> catastrophicReason(String regex) {
        Deque<Group> groups = new ArrayDeque<>();
        Group top = new Group();
        Group closed = null; // the group that just closed, if the next token quantifies it
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            Group current = groups.isEmpty() ? top : groups.peek();
            if (inClass) {
                if (c == '\\') {
                    i++;
                } else if (c == ']') {
                    inClass = false;
                    i = quantifier(regex, i, current, false);
                }
                continue;
            }
            switch (c) {
                case '\\' -> {
                    char e = i + 1 < regex.length() ? regex.charAt(i + 1) : ' ';
                    i++;
                    // \d, \w, \s, ... are classes; \. \( \, are literals.
                    i = quantifier(regex, i, current, !Character.isLetterOrDigit(e));
                    closed = null;
                }
                case '[' -> {
                    inClass = true;
                    closed = null;
                }
                case '(' -> {
                    groups.push(new Group());
                    closed = null;
                }
                case ')' -> {
                    Group g = groups.isEmpty() ? new Group() : groups.pop();
                    Group outer = groups.isEmpty() ? top : groups.peek();
                    int next = i + 1;
                    boolean unboundedRepeat = unbounded(regex, next);
                    if (unboundedRepeat && g.unbounded && (g.alternation || !g.requiredLiteral)) {
                        return Optional.of(nested(regex, next));
                    }
                    outer.unbounded |= g.unbounded || unboundedRepeat;
                    if (!quantified(regex, next)) {
                        outer.requiredLiteral |= g.requiredLiteral && !g.alternation;
                    }
                    i = skipQuantifier(regex, i);
                    closed = g;
                }
                case '|' -> {
                    current.alternation = true;
                    closed = null;
                }
                case '^', '$' -> closed = null;
                default -> {
                    i = quantifier(regex, i, current, c != '.');
                    closed = null;
                }
            }
        }
        return Optional.empty();
    }

    /** What is known of a group while scanning. */
    private static final class Group {
        boolean unbounded;
        boolean requiredLiteral;
        boolean alternation;
    }

    /**
     * Notes the atom ending at {@code i} (a literal if {@code literal}) in its group, with the
     * quantifier after it; returns the index of the last character consumed.
     */
    private static int quantifier(String regex, int i, Group group, boolean literal) {
        int next = i + 1;
        if (unbounded(regex, next)) {
            group.unbounded = true;
        } else if (!quantified(regex, next) && literal) {
            group.requiredLiteral = true;
        }
        return skipQuantifier(regex, i);
    }

    private static boolean quantified(String regex, int at) {
        return at < regex.length() && "*+?{".indexOf(regex.charAt(at)) >= 0;
    }

    private static boolean unbounded(String regex, int at) {
        if (at >= regex.length()) {
            return false;
        }
        char q = regex.charAt(at);
        if (q == '*' || q == '+') {
            return true;
        }
        if (q == '{') {
            int close = regex.indexOf('}', at);
            return close > 0 && regex.substring(at, close).endsWith(",");
        }
        return false;
    }

    /** Skips a quantifier (and its lazy or possessive mark) after index {@code i}. */
    private static int skipQuantifier(String regex, int i) {
        int next = i + 1;
        if (next < regex.length()) {
            char q = regex.charAt(next);
            if (q == '{') {
                int close = regex.indexOf('}', next);
                next = close > 0 ? close + 1 : next;
            } else if (q == '*' || q == '+' || q == '?') {
                next++;
            } else {
                return i;
            }
            if (next < regex.length() && (regex.charAt(next) == '?' || regex.charAt(next) == '+')) {
                next++;
            }
            return next - 1;
        }
        return i;
    }

    private static String nested(String regex, int at) {
        return "a repeated group that itself repeats (at position "
                + at
                + " of "
                + regex
                + ") can take exponential time; make the inner part match one way only, e.g."
                + " (ab)+ instead of (a+b?)+";
    }

    /** Whether the pattern is found in the input, within the step budget. */
    public static boolean find(Pattern pattern, String input) {
        if (input.length() > MAX_INPUT) {
            throw new RuleEvaluationException(
                    "input of " + input.length() + " characters is too long for matches");
        }
        return pattern.matcher(
                        new Budgeted(input, BASE_STEPS + (long) input.length() * STEPS_PER_CHAR))
                .find();
    }

    /** The input, counting reads, and stopping the match when the budget is spent. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private long left;

        Budgeted(String text, long budget) {
            this.text = text;
            this.left = budget;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new RuleEvaluationException(
                        "regular expression exceeded its step budget on an input of "
                                + text.length()
                                + " characters");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
