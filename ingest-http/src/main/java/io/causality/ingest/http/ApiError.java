package io.causality.ingest.http;

/**
 * Errors the API answers with: HTTP status and a stable code that clients may switch on. Codes are
 * never renamed; new ones may be added. Problems with single events use the codes in {@code
 * io.causality.schemas.ErrorCodes}.
 */
public enum ApiError {
    MALFORMED_JSON(400, "malformed_json"),
    INVALID_ENCODING(400, "invalid_encoding"),
    TOO_DEEP(400, "too_deep"),
    MALFORMED_GZIP(400, "malformed_gzip"),
    EMPTY_BATCH(400, "empty_batch"),
    INVALID_BATCH(400, "invalid_batch"),
    VALIDATION_FAILED(400, "validation_failed"),
    MISSING_WRITE_KEY(401, "missing_write_key"),
    INVALID_WRITE_KEY(401, "invalid_write_key"),
    SIGNATURE_REQUIRED(401, "signature_required"),
    INVALID_SIGNATURE(401, "invalid_signature"),
    SIGNATURE_EXPIRED(401, "signature_expired"),
    SIGNATURE_REPLAYED(401, "signature_replayed"),
    ORIGIN_NOT_ALLOWED(403, "origin_not_allowed"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    BODY_TOO_LARGE(413, "body_too_large"),
    DECOMPRESSED_BODY_TOO_LARGE(413, "decompressed_body_too_large"),
    BATCH_TOO_LARGE(413, "batch_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    UNSUPPORTED_CONTENT_ENCODING(415, "unsupported_content_encoding"),
    RATE_LIMITED(429, "rate_limited"),
    TOO_MANY_UNKNOWN_KEYS(429, "too_many_unknown_keys"),
    INTERNAL_ERROR(500, "internal_error"),
    KAFKA_UNAVAILABLE(503, "kafka_unavailable"),
    OVERLOADED(503, "overloaded"),
    KEY_STORE_UNAVAILABLE(503, "key_store_unavailable"),
    KEY_LOOKUPS_BUSY(503, "key_lookups_busy"),
    SHUTTING_DOWN(503, "shutting_down");

    private final int status;
    private final String code;

    ApiError(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /**
     * The {@code Retry-After} an answer with this error carries, in seconds, or null for none.
     * {@link #RATE_LIMITED} has its own, from the key's bucket. The unknown-key gate clears within
     * a second, so its answers say 1 (its 503 said 5 until 2026-12-03, though its message said 1
     * s); the other 503s say 5.
     */
    public Long retryAfterSeconds() {
        return switch (this) {
            case TOO_MANY_UNKNOWN_KEYS, KEY_LOOKUPS_BUSY -> 1L;
            default -> status == 503 ? Long.valueOf(5) : null;
        };
    }
}
