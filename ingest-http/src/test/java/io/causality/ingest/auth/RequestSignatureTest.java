package io.causality.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final long TS = NOW.getEpochSecond();
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private final RequestSignature sig =
            new RequestSignature(
                    "server-secret-server-secret-server-secret", Duration.ofMinutes(5));
    private final String secret = sig.secretFor("abcd1234");

    private RequestSignature.Failure verify(
            String keyId, String ts, String signature, String path, byte[] body) {
        return sig.verify(keyId, ts, signature, "POST", path, body, NOW);
    }

    private static String v2(String secret, long ts, String path, byte[] body) {
        return RequestSignature.sign(secret, ts, "POST", path, body);
    }

    @Test
    void eachKeyHasItsOwnDerivedSecret() {
        assertThat(sig.secretFor("abcd1234"))
                .isEqualTo(secret)
                .isNotEqualTo(sig.secretFor("abcd1235"));
    }

    @Test
    void aV2SignatureCoversTimestampMethodPathAndBody() {
        String good = v2(secret, TS, "/v1/events", BODY);
        assertThat(good).startsWith("v2=");
        assertThat(verify("abcd1234", Long.toString(TS), good, "/v1/events", BODY)).isNull();
        assertThat(
                        verify(
                                "abcd1234",
                                Long.toString(TS),
                                v2(secret, TS, "/v1/events", BODY),
                                "/v1/events/batch",
                                BODY))
                .isEqualTo(RequestSignature.Failure.MISMATCH);
        assertThat(
                        sig.verify(
                                "abcd1234",
                                Long.toString(TS),
                                v2(secret, TS, "/v1/track", BODY),
                                "PUT",
                                "/v1/track",
                                BODY,
                                NOW))
                .isEqualTo(RequestSignature.Failure.MISMATCH);
        assertThat(
                        verify(
                                "abcd1234",
                                Long.toString(TS),
                                v2(secret, TS, "/v1/page", BODY),
                                "/v1/page",
                                "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(RequestSignature.Failure.MISMATCH);
        assertThat(
                        verify(
                                "other999",
                                Long.toString(TS),
                                v2(secret, TS, "/v1/screen", BODY),
                                "/v1/screen",
                                BODY))
                .isEqualTo(RequestSignature.Failure.MISMATCH);
    }

    @Test
    void aSignatureIsAcceptedOnceWithinTheWindow() {
        String good = v2(secret, TS, "/v1/events", BODY);
        assertThat(verify("abcd1234", Long.toString(TS), good, "/v1/events", BODY)).isNull();
        assertThat(verify("abcd1234", Long.toString(TS), good, "/v1/events", BODY))
                .isEqualTo(RequestSignature.Failure.REPLAYED);
        // The same body signed again with a new timestamp is a new request.
        String again = v2(secret, TS + 1, "/v1/events", BODY);
        assertThat(verify("abcd1234", Long.toString(TS + 1), again, "/v1/events", BODY)).isNull();
    }

    @Test
    @SuppressWarnings("deprecation")
    void theV1SchemeIsStillAcceptedOnceInThisRelease() {
        String v1 = RequestSignature.sign(secret, TS, BODY);
        assertThat(v1).startsWith("v1=");
        assertThat(verify("abcd1234", Long.toString(TS), v1, "/v1/anything", BODY)).isNull();
        assertThat(verify("abcd1234", Long.toString(TS), v1, "/v1/anything", BODY))
                .isEqualTo(RequestSignature.Failure.REPLAYED);
    }

    @Test
    void missingMalformedAndExpiredSignaturesSayWhy() {
        String good = v2(secret, TS, "/v1/events", BODY);
        assertThat(verify("abcd1234", null, good, "/v1/events", BODY))
                .isEqualTo(RequestSignature.Failure.MISSING);
        assertThat(verify("abcd1234", "x", good, "/v1/events", BODY))
                .isEqualTo(RequestSignature.Failure.MALFORMED);
        assertThat(
                        verify(
                                "abcd1234",
                                Long.toString(TS),
                                "v3=" + good.substring(3),
                                "/v1/events",
                                BODY))
                .isEqualTo(RequestSignature.Failure.MALFORMED);
        assertThat(
                        verify(
                                "abcd1234",
                                Long.toString(TS - 301),
                                v2(secret, TS - 301, "/v1/events", BODY),
                                "/v1/events",
                                BODY))
                .isEqualTo(RequestSignature.Failure.EXPIRED);
        assertThat(
                        verify(
                                "abcd1234",
                                Long.toString(TS - 299),
                                v2(secret, TS - 299, "/v1/events", BODY),
                                "/v1/events",
                                BODY))
                .isNull();
    }

    @Test
    void theReplayGuardForgetsWhatLeftTheWindowAndIsCapped() {
        ReplayGuard guard = new ReplayGuard(Duration.ofMinutes(5), 3);
        assertThat(guard.firstTime("a", TS - 400, NOW)).isTrue();
        assertThat(guard.firstTime("b", TS, NOW)).isTrue();
        // "a" left the window: forgotten when the next one arrives.
        assertThat(guard.firstTime("c", TS, NOW)).isTrue();
        assertThat(guard.size()).isEqualTo(2);
        assertThat(guard.firstTime("d", TS, NOW)).isTrue();
        assertThat(guard.firstTime("e", TS, NOW)).isTrue();
        assertThat(guard.size()).isEqualTo(3);
        assertThat(guard.firstTime("e", TS, NOW)).isFalse();
    }
}
