package io.causality.jobs.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Reads a job's typed options and collects every problem, each saying what to write instead, so
 * that a job refuses to start with all of them at once (as the ingest does) rather than with the
 * first, or later with a NullPointerException.
 */
public final class SettingsReader {
    private final Configuration config;
    private final List<String> problems = new ArrayList<>();

    public SettingsReader(Configuration config) {
        this.config = config;
    }

    /** The option's value or default; a value that does not parse is a problem. */
    public <T> T get(ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            problems.add(
                    option.key()
                            + ": cannot read '"
                            + config.toMap().get(option.key())
                            + "'"
                            + example(option));
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
    }

    /** What a value of the option's type looks like, from its default. */
    private static String example(ConfigOption<?> option) {
        Object d = option.hasDefaultValue() ? option.defaultValue() : null;
        if (d instanceof Duration) {
            return "; write a positive duration such as 30s, 10min or 1h";
        }
        if (d instanceof org.apache.flink.configuration.MemorySize) {
            return "; write a size such as 128mb";
        }
        if (d instanceof Integer || d instanceof Long) {
            return "; write a whole number";
        }
        return "";
    }

    /** A value that must be given, with an example of one. */
    public String required(ConfigOption<String> option, String example) {
        String v = get(option);
        if (v == null || v.isBlank()) {
            problems.add(option.key() + " is required, e.g. --" + option.key() + " " + example);
        }
        return v;
    }

    public String nonBlank(ConfigOption<String> option) {
        String v = get(option);
        if (v == null || v.isBlank()) {
            problems.add(option.key() + " must not be empty");
        }
        return v;
    }

    public Duration positive(ConfigOption<Duration> option) {
        Duration d = get(option);
        if (d != null && (d.isNegative() || d.isZero())) {
            problems.add(option.key() + " must be longer than 0, got " + d);
        }
        return d;
    }

    public int atLeast(ConfigOption<Integer> option, int min) {
        Integer v = get(option);
        if (v != null && v < min) {
            problems.add(option.key() + " must be at least " + min + ", got " + v);
            return min;
        }
        return v == null ? min : v;
    }

    /** One of the allowed values, ignoring case; returned in the allowed spelling. */
    public String oneOf(ConfigOption<String> option, List<String> allowed) {
        String v = get(option);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v == null ? "" : v.trim())) {
                return a;
            }
        }
        problems.add(option.key() + " must be " + String.join(" or ", allowed) + ", got " + v);
        return allowed.get(0);
    }

    /** Records a problem found by a check across options. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /**
     * @throws IllegalArgumentException listing every problem found, one per line
     */
    public void check(String job) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "the " + job + " job cannot start:\n  " + String.join("\n  ", problems));
        }
    }
}
