package io.causality.rules.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import io.causality.rules.Condition;
import io.causality.rules.Operator;
import java.util.List;

/**
 * A condition made ready to test events: paths compiled once, regular expressions compiled once in
 * a linear-time engine. Testing never throws for data it does not expect: a missing field or a
 * value of another type than the literal makes a comparison false (so {@code $.total != "x"} is
 * false for a number). Only an input beyond what {@code matches} searches (see {@link SafeRegex})
 * throws {@link RuleEvaluationException}; the job counts that as an evaluation error.
 *
 * <p>A path that finds several values (wildcards, filters) satisfies a comparison when any of them
 * does.
 */
public abstract sealed class CompiledCondition {
    /** Whether the event satisfies the condition. */
    public abstract boolean test(JsonNode event);

    /**
     * @throws IllegalArgumentException for a path that is not JSONPath or a regex that does not
     *     compile (the validator reports those first)
     */
    public static CompiledCondition compile(Condition c) {
        if (c instanceof Condition.And and) {
            return new All(and.terms().stream().map(CompiledCondition::compile).toList());
        }
        if (c instanceof Condition.Or or) {
            return new AnyOf(or.terms().stream().map(CompiledCondition::compile).toList());
        }
        if (c instanceof Condition.Not not) {
            return new Negation(compile(not.term()));
        }
        if (c instanceof Condition.Exists ex) {
            return new Present(EventPath.shared(ex.path()));
        }
        Condition.Compare cmp = (Condition.Compare) c;
        return new Comparison(EventPath.shared(cmp.path()), cmp.op(), cmp.value());
    }

    /** The condition that every event satisfies (a pattern without {@code where}). */
    public static CompiledCondition always() {
        return new All(List.of());
    }

    private static final class All extends CompiledCondition {
        private final CompiledCondition[] terms;

        All(List<CompiledCondition> terms) {
            this.terms = terms.toArray(CompiledCondition[]::new);
        }

        @Override
        public boolean test(JsonNode event) {
            for (CompiledCondition t : terms) {
                if (!t.test(event)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class AnyOf extends CompiledCondition {
        private final CompiledCondition[] terms;

        AnyOf(List<CompiledCondition> terms) {
            this.terms = terms.toArray(CompiledCondition[]::new);
        }

        @Override
        public boolean test(JsonNode event) {
            for (CompiledCondition t : terms) {
                if (t.test(event)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Negation extends CompiledCondition {
        private final CompiledCondition term;

        Negation(CompiledCondition term) {
            this.term = term;
        }

        @Override
        public boolean test(JsonNode event) {
            return !term.test(event);
        }
    }

    private static final class Present extends CompiledCondition {
        private final EventPath path;

        Present(EventPath path) {
            this.path = path;
        }

        @Override
        public boolean test(JsonNode event) {
            return !path.all(event).isEmpty();
        }
    }

    private static final class Comparison extends CompiledCondition {
        private final EventPath path;
        private final Operator op;
        private final JsonNode literal;
        private final Pattern regex;

        Comparison(EventPath path, Operator op, JsonNode literal) {
            this.path = path;
            this.op = op;
            this.literal = literal;
            this.regex = op == Operator.MATCHES ? SafeRegex.compile(literal.asText()) : null;
        }

        @Override
        public boolean test(JsonNode event) {
            if (!path.isIndefinite()) {
                // One value at most: compared without a list per event and condition.
                JsonNode v = path.one(event);
                return v.isMissingNode() || v.isNull() ? absent() : holds(v);
            }
            List<JsonNode> values = path.all(event);
            if (values.isEmpty()) {
                return absent();
            }
            for (JsonNode v : values) {
                if (holds(v)) {
                    return true;
                }
            }
            return false;
        }

        private boolean absent() {
            // Absent or null: only a comparison with null can hold.
            return switch (op) {
                case EQ -> literal.isNull();
                case NE -> !literal.isNull();
                case IN -> containsNull(literal);
                default -> false;
            };
        }

        private boolean holds(JsonNode v) {
            return switch (op) {
                case EQ -> Values.sameKind(v, literal) && Values.equal(v, literal);
                case NE -> Values.sameKind(v, literal) && !Values.equal(v, literal);
                case GT, GE, LT, LE -> ordered(v);
                case IN -> {
                    for (JsonNode option : literal) {
                        if (Values.sameKind(v, option) && Values.equal(v, option)) {
                            yield true;
                        }
                    }
                    yield false;
                }
                case CONTAINS -> {
                    if (v.isTextual() && literal.isTextual()) {
                        yield v.asText().contains(literal.asText());
                    }
                    if (v.isArray()) {
                        for (JsonNode e : v) {
                            if (Values.sameKind(e, literal) && Values.equal(e, literal)) {
                                yield true;
                            }
                        }
                    }
                    yield false;
                }
                case MATCHES -> v.isTextual() && SafeRegex.find(regex, v.asText());
            };
        }

        private boolean ordered(JsonNode v) {
            int cmp;
            if (v.isNumber() && literal.isNumber()) {
                cmp = Values.compareNumbers(v, literal);
            } else if (v.isTextual() && literal.isTextual()) {
                cmp = v.asText().compareTo(literal.asText());
            } else {
                return false;
            }
            return switch (op) {
                case GT -> cmp > 0;
                case GE -> cmp >= 0;
                case LT -> cmp < 0;
                default -> cmp <= 0;
            };
        }

        private static boolean containsNull(JsonNode list) {
            for (JsonNode e : list) {
                if (e.isNull()) {
                    return true;
                }
            }
            return false;
        }
    }
}
