package io.causality.rules.parse;

import java.util.Map;

/** Durations as the language writes them: a whole number and a unit, {@code 30m}, {@code 7d}. */
public final class Durations {
    static final Map<String, Long> UNITS = io.causality.contracts.Durations.UNIT_MILLIS;

    private Durations() {}

    /** Milliseconds of a duration token such as {@code 30m}. */
    static long millis(String token) {
        int i = 0;
        while (i < token.length() && Character.isDigit(token.charAt(i))) {
            i++;
        }
        return Math.multiplyExact(
                Long.parseLong(token.substring(0, i)), UNITS.get(token.substring(i)));
    }

    /** The shortest way to write milliseconds: {@code 1800000} → {@code 30m}. */
    public static String format(long millis) {
        for (String unit : new String[] {"d", "h", "m", "s"}) {
            long size = UNITS.get(unit);
            if (millis != 0 && millis % size == 0) {
                return (millis / size) + unit;
            }
        }
        return millis + "ms";
    }
}
