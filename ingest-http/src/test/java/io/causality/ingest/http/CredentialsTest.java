package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.ingest.auth.WriteKeys;
import io.causality.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private final String key = WriteKeys.generate();

    private static void refused(ThrowingCall call, ApiError error) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHeaderKeyIsTheBasicUserNameOrTheBearerToken() throws Exception {
        assertThat(Credentials.fromAuthorization("Basic " + base64(key + ":"))).isEqualTo(key);
        assertThat(Credentials.fromAuthorization("basic " + base64(key))).isEqualTo(key);
        assertThat(Credentials.fromAuthorization("bearer " + key)).isEqualTo(key);
        assertThat(Credentials.fromAuthorization("  Bearer   " + key + "  ")).isEqualTo(key);
    }

    @Test
    void aMissingOrUnusableHeaderSaysHowToSendTheKey() {
        refused(() -> Credentials.fromAuthorization(null), ApiError.MISSING_WRITE_KEY);
        refused(() -> Credentials.fromAuthorization("  "), ApiError.MISSING_WRITE_KEY);
        assertThatThrownBy(() -> Credentials.fromAuthorization("Digest abc"))
                .hasMessageContaining("unsupported Authorization scheme");
        refused(() -> Credentials.fromAuthorization("Basic !!!"), ApiError.INVALID_WRITE_KEY);
        refused(() -> Credentials.fromAuthorization("Bearer ck_short"), ApiError.INVALID_WRITE_KEY);
        refused(
                () -> Credentials.fromAuthorization("Basic " + base64("ck_short:")),
                ApiError.INVALID_WRITE_KEY);
    }

    @Test
    void segmentsBodyKeyIsTheTextualWriteKey() throws Exception {
        JsonNode body =
                EventJson.mapper().readTree("{\"writeKey\": \"" + key + "\", \"batch\": []}");
        assertThat(Credentials.fromBody(body)).isEqualTo(key);
        refused(
                () -> Credentials.fromBody(EventJson.mapper().readTree("{\"batch\": []}")),
                ApiError.MISSING_WRITE_KEY);
        refused(
                () -> Credentials.fromBody(EventJson.mapper().readTree("{\"writeKey\": 12}")),
                ApiError.MISSING_WRITE_KEY);
        refused(
                () -> Credentials.fromBody(EventJson.mapper().readTree("{\"writeKey\": \"x\"}")),
                ApiError.INVALID_WRITE_KEY);
    }
}
