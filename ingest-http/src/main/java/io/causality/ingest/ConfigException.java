package io.causality.ingest;

import java.util.List;

/** Configuration that cannot work, with every problem found, each saying what to set. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
}
