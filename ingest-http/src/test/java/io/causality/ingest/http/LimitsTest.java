package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class LimitsTest {

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void gzipIsInflatedUpToTheLimitAndNoFurther() throws Exception {
        BodyDecoder decoder = new BodyDecoder(1000);
        byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.decode(gzip(small), "gzip")).isEqualTo(small);
        assertThat(decoder.decode(small, null)).isSameAs(small);
        assertThat(decoder.decode(small, "identity")).isSameAs(small);
        byte[] bomb = gzip(new byte[1_000_000]);
        assertThat(bomb.length).isLessThan(2000);
        assertThatThrownBy(() -> decoder.decode(bomb, "gzip"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.DECOMPRESSED_BODY_TOO_LARGE));
        assertThatThrownBy(() -> decoder.decode(small, "gzip"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.MALFORMED_GZIP));
        assertThatThrownBy(() -> decoder.decode(small, "br"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e ->
                                assertThat(e.error())
                                        .isEqualTo(ApiError.UNSUPPORTED_CONTENT_ENCODING));
    }

    @Test
    void tokenBucketAllowsTheBurstThenRefusesWithRetryAfter() {
        RateLimiter limiter = new RateLimiter(10, 3);
        for (int i = 0; i < 3; i++) {
            RateLimiter.Decision d = limiter.tryAcquire("k1");
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).isEqualTo(3);
            assertThat(d.remaining()).isEqualTo(2 - i);
        }
        RateLimiter.Decision refused = limiter.tryAcquire("k1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(limiter.tryAcquire("k2").allowed()).as("buckets are per key").isTrue();
    }

    @Test
    void answersThatClearSayWhenToRetry() {
        assertThat(ApiError.TOO_MANY_UNKNOWN_KEYS.retryAfterSeconds()).isEqualTo(1L);
        assertThat(ApiError.KEY_LOOKUPS_BUSY.retryAfterSeconds()).isEqualTo(1L);
        assertThat(ApiError.KAFKA_UNAVAILABLE.retryAfterSeconds()).isEqualTo(5L);
        assertThat(ApiError.SHUTTING_DOWN.retryAfterSeconds()).isEqualTo(5L);
        assertThat(ApiError.KEY_STORE_UNAVAILABLE.retryAfterSeconds()).isEqualTo(5L);
        assertThat(ApiError.INVALID_WRITE_KEY.retryAfterSeconds()).isNull();
        assertThat(ApiError.BODY_TOO_LARGE.retryAfterSeconds()).isNull();
    }

    @Test
    void corsAllowsOnlyListedOrigins() {
        Cors cors = new Cors(List.of("https://app.example.com"));
        assertThat(cors.allows(null)).isTrue();
        assertThat(cors.allows("https://app.example.com")).isTrue();
        assertThat(cors.allows("https://evil.example")).isFalse();
        assertThat(new Cors(List.of()).allows("https://app.example.com")).isFalse();
        assertThat(new Cors(List.of("*")).allows("https://any.example")).isTrue();
    }

    @Test
    void everyErrorCodeIsUniqueAndSnakeCase() {
        assertThat(
                        java.util.Arrays.stream(ApiError.values())
                                .map(ApiError::code)
                                .distinct()
                                .count())
                .isEqualTo(ApiError.values().length);
        for (ApiError e : ApiError.values()) {
            assertThat(e.code()).matches("[a-z_]+");
            assertThat(e.status()).isBetween(400, 599);
        }
    }
}
