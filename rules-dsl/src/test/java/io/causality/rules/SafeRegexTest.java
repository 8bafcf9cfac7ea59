package io.causality.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.causality.rules.eval.SafeRegex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafeRegexTest {
    /** Patterns that backtrack catastrophically elsewhere: here they simply run. */
    @ParameterizedTest
    @ValueSource(
            strings = {"(a+)+$", "(\\w*)*b", "^(x+y?){2,}$", "(a|b+)*c", "^(a*)*$", "(.*a){12}x"})
    void nestedRepetitionRunsInLinearTime(String regex) {
        assertThat(SafeRegex.find(SafeRegex.compile(regex), "a".repeat(20_000) + "!")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "(a)\\1 | backreferences, lookahead and lookbehind are not supported",
                "foo(?=bar) | backreferences, lookahead and lookbehind are not supported",
                "(?<!x)y | backreferences, lookahead and lookbehind are not supported",
                "[a- | missing closing ]"
            })
    void whatRe2CannotRunIsRefusedWithWhy(String regex, String why) {
        assertThatThrownBy(() -> SafeRegex.compile(regex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
    }

    /** RE2 unrolls counted repetitions: nested ones multiply, and the product is limited. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "a{5} | 5",
                "(a{100}){100} | 10000",
                "((a{10}){10}){10} | 1000",
                "(ab){2,7}c{3} | 7",
                "[{}]{4}\\{9} | 4",
                "(a+)+ | 1"
            })
    void nestedCountsMultiply(String regex, long size) {
        org.assertj.core.api.Assertions.assertThat(SafeRegex.repetitionSize(regex)).isEqualTo(size);
    }

    @org.junit.jupiter.api.Test
    void aPatternThatUnrollsTooFarIsRefused() {
        assertThatThrownBy(() -> SafeRegex.compile("((a{1000}){1000})"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counted repetitions nest to 1000000 copies (at most 1000)");
        assertThat(SafeRegex.compile("(a{10}){100}")).isNotNull();
    }
}
