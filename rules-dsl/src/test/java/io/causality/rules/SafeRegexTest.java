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
}
