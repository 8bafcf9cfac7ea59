package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.causality.ingest.auth.RequestSignature;
import io.causality.ingest.auth.WriteKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignatureCheckTest {
    private static final String SERVER_SECRET = "a-server-signing-secret-of-32-characters";
    private final SignatureCheck check = new SignatureCheck(SERVER_SECRET, Duration.ofMinutes(5));
    private final WriteKey signed = key(true);
    private final WriteKey unsigned = key(false);
    private final String secret =
            new RequestSignature(SERVER_SECRET, Duration.ofMinutes(5)).secretFor("abcd1234");
    private final byte[] body = "{\"type\":\"app_open\"}".getBytes(StandardCharsets.UTF_8);
    private final Instant now = Instant.parse("2026-12-03T10:00:00Z");

    private static WriteKey key(boolean signingRequired) {
        return new WriteKey("abcd1234", "hash", "shop", "", signingRequired, Instant.EPOCH, null);
    }

    private ApiError refusal(WriteKey key, String ts, String sig) {
        try {
            check.verify(key, ts, sig, "POST", "/v1/events", body, now);
            return null;
        } catch (ApiException e) {
            return e.error();
        }
    }

    private String v2(long ts, String path) {
        return RequestSignature.sign(secret, ts, "POST", path, body);
    }

    @Test
    void anUnsignedRequestPassesOnlyWhenTheKeyDoesNotRequireSigning() {
        assertThat(refusal(unsigned, null, null)).isNull();
        assertThat(refusal(signed, null, null)).isEqualTo(ApiError.SIGNATURE_REQUIRED);
    }

    @Test
    void aGoodSignaturePassesOnceAndEachWayToFailHasItsCode() {
        long ts = now.getEpochSecond();
        assertThat(refusal(signed, Long.toString(ts), v2(ts, "/v1/events"))).isNull();
        assertThat(refusal(signed, Long.toString(ts), v2(ts, "/v1/events")))
                .isEqualTo(ApiError.SIGNATURE_REPLAYED);
        assertThat(refusal(signed, Long.toString(ts + 1), v2(ts + 1, "/v1/batch")))
                .as("signed for another path")
                .isEqualTo(ApiError.INVALID_SIGNATURE);
        long old = ts - 301;
        assertThat(refusal(signed, Long.toString(old), v2(old, "/v1/events")))
                .isEqualTo(ApiError.SIGNATURE_EXPIRED);
        assertThat(refusal(signed, "yesterday", "v2=00")).isEqualTo(ApiError.INVALID_SIGNATURE);
        // A key that needs no signature still has a wrong one refused: it was sent to be checked.
        assertThat(refusal(unsigned, Long.toString(ts + 2), "v2=00"))
                .isEqualTo(ApiError.INVALID_SIGNATURE);
    }

    @Test
    void theMessagesSayWhatToSend() {
        assertThatThrownBy(() -> check.verify(signed, null, null, "POST", "/v1/events", body, now))
                .hasMessageContaining(RequestSignature.TIMESTAMP_HEADER)
                .hasMessageContaining(RequestSignature.SIGNATURE_HEADER);
        long ts = now.getEpochSecond() + 10;
        assertThatCode(
                        () ->
                                check.verify(
                                        signed,
                                        Long.toString(ts),
                                        v2(ts, "/v1/events"),
                                        "POST",
                                        "/v1/events",
                                        body,
                                        now))
                .doesNotThrowAnyException();
    }
}
