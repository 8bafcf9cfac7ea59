package io.causality.schemas;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * RFC 3339 timestamps of events, parsed and written at the rate events arrive. java.time's
 * formatter-based parsing costs microseconds per call, which showed up as a tenth of the ingest's
 * CPU; the common shapes ({@code 2026-11-22T10:00:00Z}, with a fraction and/or a {@code +hh:mm}
 * offset) are handled here directly, anything else falls back to java.time. Event times are kept to
 * the millisecond.
 */
public final class Timestamps {
    private Timestamps() {}

    /**
     * Parses an RFC 3339 date-time to an instant truncated to milliseconds. A leap second ({@code
     * 23:59:60Z}) becomes the last millisecond before it ({@code 23:59:59.999Z}).
     *
     * @throws java.time.format.DateTimeParseException if it is not an RFC 3339 date-time
     */
    public static Instant parse(String s) {
        Instant fast = parseCommon(s);
        return fast != null
                ? fast
                : OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Writes an instant as {@code Instant.toString()} does for millisecond precision (UTC, the
     * fraction only when non-zero, in three digits).
     */
    public static String format(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        int millis = instant.getNano() / 1_000_000;
        long days = Math.floorDiv(epochSecond, 86_400);
        int secOfDay = (int) Math.floorMod(epochSecond, 86_400);
        long[] ymd = civilFromDays(days);
        if (ymd[0] < 0 || ymd[0] > 9999) {
            return instant.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        char[] out = new char[millis == 0 ? 20 : 24];
        put4(out, 0, (int) ymd[0]);
        out[4] = '-';
        put2(out, 5, (int) ymd[1]);
        out[7] = '-';
        put2(out, 8, (int) ymd[2]);
        out[10] = 'T';
        put2(out, 11, secOfDay / 3600);
        out[13] = ':';
        put2(out, 14, secOfDay / 60 % 60);
        out[16] = ':';
        put2(out, 17, secOfDay % 60);
        int pos = 19;
        if (millis != 0) {
            out[pos++] = '.';
            out[pos++] = (char) ('0' + millis / 100);
            out[pos++] = (char) ('0' + millis / 10 % 10);
            out[pos++] = (char) ('0' + millis % 10);
        }
        out[pos] = 'Z';
        return new String(out);
    }

    /** The fast path; null when the text is not in one of the common shapes. */
    static Instant parseCommon(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        char t = s.charAt(10);
        if (t != 'T' && t != 't' && t != ' ') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > daysInMonth(year, month)
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 60) {
            return null;
        }
        // A leap second (RFC 3339 allows :60) is the last millisecond of the minute before it:
        // java.time has no instant for it, and events stay in order.
        boolean leap = second == 60;
        if (leap) {
            second = 59;
        }
        int pos = 19;
        int millis = 0;
        if (s.charAt(pos) == '.') {
            int start = ++pos;
            while (pos < n && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                if (pos - start < 3) {
                    millis = millis * 10 + (s.charAt(pos) - '0');
                }
                pos++;
            }
            int len = pos - start;
            if (len == 0 || len > 9) {
                return null;
            }
            for (int i = len; i < 3; i++) {
                millis *= 10;
            }
        }
        if (pos >= n) {
            return null;
        }
        int offsetSeconds;
        char z = s.charAt(pos);
        if ((z == 'Z' || z == 'z') && pos == n - 1) {
            offsetSeconds = 0;
        } else if ((z == '+' || z == '-') && pos == n - 6 && s.charAt(pos + 3) == ':') {
            int oh = digits(s, pos + 1, 2);
            int om = digits(s, pos + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) {
                return null;
            }
            offsetSeconds = (z == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        if (leap) {
            millis = 999;
        }
        long epochDay = daysFromCivil(year, month, day);
        long epochSecond = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, millis * 1_000_000L);
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    private static long daysFromCivil(long y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static long[] civilFromDays(long z) {
        z += 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp + (mp < 10 ? 3 : -9);
        return new long[] {y + (m <= 2 ? 1 : 0), m, d};
    }

    private static void put2(char[] out, int at, int v) {
        out[at] = (char) ('0' + v / 10);
        out[at + 1] = (char) ('0' + v % 10);
    }

    private static void put4(char[] out, int at, int v) {
        out[at] = (char) ('0' + v / 1000);
        out[at + 1] = (char) ('0' + v / 100 % 10);
        out[at + 2] = (char) ('0' + v / 10 % 10);
        out[at + 3] = (char) ('0' + v % 10);
    }
}
