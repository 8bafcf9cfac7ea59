package io.causality.contracts;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as operators write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 24h}, {@code
 * 7d}, or ISO-8601.
 */
public final class Durations {
    /** What {@link #parse} takes, for messages. */
    public static final String FORMS = "a duration like 500ms, 10s, 5m, 24h or 7d";

    private Durations() {}

    /**
     * @throws IllegalArgumentException when the text is none of the forms
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected " + FORMS);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
            String number = t.isEmpty() ? "" : t.substring(0, t.length() - 1);
            return switch (unit) {
                case 's' -> Duration.ofSeconds(Long.parseLong(number));
                case 'm' -> Duration.ofMinutes(Long.parseLong(number));
                case 'h' -> Duration.ofHours(Long.parseLong(number));
                case 'd' -> Duration.ofDays(Long.parseLong(number));
                default -> Duration.parse(text.trim());
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("expected " + FORMS + ", got '" + text + "'");
        }
    }
}
