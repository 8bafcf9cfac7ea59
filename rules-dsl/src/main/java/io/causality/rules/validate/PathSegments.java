package io.causality.rules.validate;

import io.causality.rules.eval.PathSteps;
import java.util.List;

/**
 * The field names along a JSONPath for the schema lookup: names as they are, an array index as
 * {@code #}, a wildcard as {@code *}; null for paths that are not simple (they go unchecked).
 */
final class PathSegments {
    private PathSegments() {}

    static List<String> of(String path) {
        List<PathSteps.Step> steps = PathSteps.of(path);
        if (steps == null) {
            return null;
        }
        return steps.stream().map(s -> s.wildcard() ? "*" : s.isField() ? s.name() : "#").toList();
    }
}
