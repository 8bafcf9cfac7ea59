package io.causality.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteKeysTest {

    @Test
    void keysAreWellFormedUniqueAndHashedDeterministically() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String k = WriteKeys.generate();
            assertThat(WriteKeys.wellFormed(k)).isTrue();
            assertThat(seen.add(k)).isTrue();
        }
        String k = WriteKeys.generate();
        assertThat(WriteKeys.hash(k))
                .hasSize(64)
                .isEqualTo(WriteKeys.hash(k))
                .doesNotContain(k.substring(3));
        assertThat(WriteKeys.keyId(k)).isEqualTo(k.substring(3, 11));
    }

    @Test
    void malformedKeysAreRecognised() {
        assertThat(WriteKeys.wellFormed(null)).isFalse();
        assertThat(WriteKeys.wellFormed("ck_short")).isFalse();
        assertThat(WriteKeys.wellFormed("xx_" + "a".repeat(40))).isFalse();
        assertThat(WriteKeys.wellFormed("ck_" + "a".repeat(39) + "-")).isFalse();
        assertThat(WriteKeys.wellFormed("ck_" + "a".repeat(40))).isTrue();
    }
}
