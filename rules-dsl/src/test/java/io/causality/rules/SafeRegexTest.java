package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.rules.eval.SafeRegex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeRegexTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "(a+)+",
                "(\\w*)*b",
                "^(x+y?){2,}$",
                "(a|b+)*",
                "(a*)*",
                "((a+))+",
                "(\\d+\\s?)+$"
            })
    void nestedUnboundedRepetitionIsRefused(String regex) {
        assertThat(SafeRegex.catastrophicReason(regex)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "^[A-Z]+-\\d+$",
                "(ab)+",
                "(a+)?",
                "\\(a+\\)+",
                "[(a+)]+",
                "a{2,5}(bc){3}",
                "^3\\.",
                "\\d+(,\\d+)*",
                "((ab)*c)+",
                "(\\w+\\.)+com"
            })
    void ordinaryPatternsPass(String regex) {
        assertThat(SafeRegex.catastrophicReason(regex)).isEmpty();
    }
}
