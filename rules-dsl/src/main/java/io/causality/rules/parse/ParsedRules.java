package io.causality.rules.parse;

import io.causality.rules.Rule;
import java.util.List;

/** The rules of one file, in the order written, and where each part of them was written. */
public record ParsedRules(List<Rule> rules, SourceMap source) {
    public ParsedRules {
        rules = List.copyOf(rules);
    }
}
