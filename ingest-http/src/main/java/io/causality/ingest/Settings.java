package io.causality.ingest;

import io.causality.contracts.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Key/value settings from a properties file, overridden by environment variables ({@code
 * kafka.bootstrap-servers} is overridden by {@code CAUSALITY_KAFKA_BOOTSTRAP_SERVERS}). Typed
 * getters collect problems instead of failing on the first, so a start-up error lists them all.
 */
public final class Settings {
    private final Properties values = new Properties();
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public Settings(Properties file, Map<String, String> env) {
        this.values.putAll(file);
        this.env = env;
    }

    public static Settings load(Path file, Map<String, String> env) {
        Properties props = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (IOException e) {
                throw new ConfigException(
                        List.of("cannot read configuration file " + file + ": " + e.getMessage()));
            }
        }
        return new Settings(props, env);
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return "CAUSALITY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String string(String key, String fallback) {
        String fromEnv = env.get(envName(key));
        if (fromEnv != null) {
            return fromEnv.trim();
        }
        return values.getProperty(key, fallback);
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            problems.add(key + " is required (or set " + envName(key) + ")");
            return "";
        }
        return v;
    }

    public int integer(String key, int fallback, int min, int max) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < min || v > max) {
                problems.add(key + " must be between " + min + " and " + max + ", got " + v);
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(key + " must be a whole number, got '" + raw + "'");
            return fallback;
        }
    }

    public long bytes(String key, long fallback, long min) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        try {
            String t = raw.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (t.endsWith("kib") || t.endsWith("k")) {
                unit = 1024;
            } else if (t.endsWith("mib") || t.endsWith("m")) {
                unit = 1024 * 1024;
            }
            long v = Long.parseLong(t.replaceAll("[a-z]+$", "")) * unit;
            if (v < min) {
                problems.add(key + " must be at least " + min + " bytes, got " + v);
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(key + " must be a size like 1048576, 512KiB or 1MiB, got '" + raw + "'");
            return fallback;
        }
    }

    public Duration duration(String key, Duration fallback) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        try {
            return Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be " + Durations.FORMS + ", got '" + raw + "'");
            return fallback;
        }
    }

    public boolean bool(String key, boolean fallback) {
        String raw = string(key, null);
        if (raw == null) {
            return fallback;
        }
        String t = raw.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("true") && !t.equals("false")) {
            problems.add(key + " must be true or false, got '" + raw + "'");
            return fallback;
        }
        return Boolean.parseBoolean(t);
    }

    public List<String> list(String key) {
        String raw = string(key, "");
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Every key under a prefix (file and environment), with the prefix removed. */
    public Properties withPrefix(String prefix) {
        Properties out = new Properties();
        for (String name : values.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                out.setProperty(name.substring(prefix.length()), values.getProperty(name));
            }
        }
        return out;
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws with every problem seen so far, if any. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
