package io.causality.contracts;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Durations as operators and rules write them: a whole number and a unit ({@code 500ms}, {@code
 * 10s}, {@code 5m}, {@code 24h}, {@code 7d}); settings also take ISO-8601. The rule language's
 * parser uses the same units.
 */
public final class Durations {
    /** What {@link #parse} takes, for messages. */
    public static final String FORMS = "a duration like 500ms, 10s, 5m, 24h or 7d";

    /** Milliseconds per unit. */
    public static final Map<String, Long> UNIT_MILLIS =
            Map.of("ms", 1L, "s", 1_000L, "m", 60_000L, "h", 3_600_000L, "d", 86_400_000L);

    private Durations() {}

    /**
     * @throws IllegalArgumentException when the text is none of the forms
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected " + FORMS);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        Long unit = i > 0 ? UNIT_MILLIS.get(t.substring(i)) : null;
        try {
            if (unit != null) {
                return Duration.ofMillis(
                        Math.multiplyExact(Long.parseLong(t.substring(0, i)), unit));
            }
            return Duration.parse(text.trim());
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw new IllegalArgumentException("expected " + FORMS + ", got '" + text + "'");
        }
    }
}
