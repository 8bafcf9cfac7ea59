package io.causality.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** One value of an action's payload: a constant, a field of a matched event, or about the match. */
public sealed interface PayloadValue
        permits PayloadValue.Literal, PayloadValue.EventField, PayloadValue.MatchInfo {

    record Literal(JsonNode value) implements PayloadValue {
        public Literal {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A field of a matched event: {@code $.user_id} (the event that completed the match) or {@code
     * $signup.user_id} (the event of the sequence step named {@code signup}).
     *
     * @param step the step's alias, or null for the completing event
     * @param path JSONPath from the event's root
     */
    record EventField(String step, String path) implements PayloadValue {
        public EventField {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code @key}, {@code @rule}, ...: facts about the match rather than about an event. */
    record MatchInfo(Fact fact) implements PayloadValue {
        public MatchInfo {
            Objects.requireNonNull(fact, "fact");
        }
    }

    enum Fact {
        /** the sequence's key value */
        KEY,
        RULE,
        VERSION,
        /** the match's time (event time of the completing event, or of the closed window) */
        TIME,
        EVENT_IDS,
        /** how many events the match holds */
        COUNT,
        /** a detector's measure in the window */
        VALUE,
        /** what a detector expected: the bound, the previous window's value or the baseline */
        BASELINE,
        /**
         * how far off: standard deviations (or MADs) for deviations, else relative to the baseline
         */
        SEVERITY,
        /** a detector's state: firing or resolved */
        STATE,
        /** a detector's group: the app and the values of its group-by paths */
        GROUP,
        WINDOW_START,
        WINDOW_END;

        /** Facts only a detector's actions have. */
        public boolean ofDetectors() {
            return ordinal() >= VALUE.ordinal();
        }

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Every fact as written, for messages: {@code @key, @rule, ...}. */
        public static String known() {
            return String.join(", ", Arrays.stream(values()).map(f -> "@" + f.word()).toList());
        }

        public static Optional<Fact> fromWord(String word) {
            return Arrays.stream(values()).filter(f -> f.word().equals(word)).findFirst();
        }
    }
}
