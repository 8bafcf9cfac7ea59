package io.causality.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/** A boolean expression over one event: comparisons of JSONPath values, and/or/not. */
public sealed interface Condition
        permits Condition.And, Condition.Or, Condition.Not, Condition.Compare, Condition.Exists {

    /** Every path the condition reads, in order, with repeats. */
    static List<String> paths(Condition c) {
        List<String> out = new java.util.ArrayList<>();
        collect(c, out);
        return out;
    }

    private static void collect(Condition c, List<String> out) {
        if (c instanceof And a) {
            a.terms().forEach(t -> collect(t, out));
        } else if (c instanceof Or o) {
            o.terms().forEach(t -> collect(t, out));
        } else if (c instanceof Not n) {
            collect(n.term(), out);
        } else if (c instanceof Compare cmp) {
            out.add(cmp.path());
        } else if (c instanceof Exists ex) {
            out.add(ex.path());
        }
    }

    record And(List<Condition> terms) implements Condition {
        public And {
            terms = List.copyOf(terms);
        }
    }

    record Or(List<Condition> terms) implements Condition {
        public Or {
            terms = List.copyOf(terms);
        }
    }

    record Not(Condition term) implements Condition {
        public Not {
            Objects.requireNonNull(term, "term");
        }
    }

    /**
     * {@code path op value}; for {@link Operator#IN} the value is a JSON array, for {@link
     * Operator#MATCHES} a string holding the regular expression.
     */
    record Compare(String path, Operator op, JsonNode value) implements Condition {
        public Compare {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(value, "value");
        }
    }

    /** True when the path finds a value that is not null. */
    record Exists(String path) implements Condition {
        public Exists {
            Objects.requireNonNull(path, "path");
        }
    }
}
