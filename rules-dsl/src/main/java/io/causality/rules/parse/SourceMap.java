package io.causality.rules.parse;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where parts of parsed rules were written, so that the validator can point at them. Kept beside
 * the model (by identity) rather than in it: a rule read back from JSON has no source.
 */
public final class SourceMap {
    /** A place in a file. */
    public record Position(String file, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    private final Map<Object, Position> positions = new IdentityHashMap<>();
    private final String file;

    public SourceMap(String file) {
        this.file = file;
    }

    void put(Object node, int line, int column) {
        positions.putIfAbsent(node, new Position(file, line, column));
    }

    /** Where the node was written; the file alone (line 0) for a node the map does not know. */
    public Position of(Object node) {
        Position p = positions.get(node);
        return p != null ? p : new Position(file, 0, 0);
    }
}
