package io.causality.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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

    @Test
    void signaturesVerifyAndFailForEachReason() {
        RequestSignature sig =
                new RequestSignature(
                        "server-secret-server-secret-server-secret", Duration.ofMinutes(5));
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        long ts = now.getEpochSecond();
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String secret = sig.secretFor("abcd1234");
        assertThat(sig.secretFor("abcd1234"))
                .isEqualTo(secret)
                .isNotEqualTo(sig.secretFor("abcd1235"));
        String good = RequestSignature.sign(secret, ts, body);
        assertThat(sig.verify("abcd1234", Long.toString(ts), good, body, now)).isNull();
        assertThat(sig.verify("abcd1234", null, good, body, now))
                .isEqualTo(RequestSignature.Failure.MISSING);
        assertThat(sig.verify("abcd1234", "x", good, body, now))
                .isEqualTo(RequestSignature.Failure.MALFORMED);
        assertThat(sig.verify("abcd1234", Long.toString(ts), "v2=" + good.substring(3), body, now))
                .isEqualTo(RequestSignature.Failure.MALFORMED);
        assertThat(
                        sig.verify(
                                "abcd1234",
                                Long.toString(ts - 301),
                                RequestSignature.sign(secret, ts - 301, body),
                                body,
                                now))
                .isEqualTo(RequestSignature.Failure.EXPIRED);
        assertThat(
                        sig.verify(
                                "abcd1234",
                                Long.toString(ts - 299),
                                RequestSignature.sign(secret, ts - 299, body),
                                body,
                                now))
                .isNull();
        assertThat(
                        sig.verify(
                                "abcd1234",
                                Long.toString(ts),
                                good,
                                "{\"a\":2}".getBytes(StandardCharsets.UTF_8),
                                now))
                .isEqualTo(RequestSignature.Failure.MISMATCH);
        assertThat(sig.verify("other999", Long.toString(ts), good, body, now))
                .isEqualTo(RequestSignature.Failure.MISMATCH);
    }
}
