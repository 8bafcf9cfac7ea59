package io.causality.ingest.http;

import io.causality.ingest.auth.RequestSignature;
import io.causality.ingest.auth.WriteKey;
import java.time.Duration;
import java.time.Instant;

/**
 * The signature of a request whose key requires one (or that carries one): checked by {@link
 * RequestSignature}, and every way it fails answered with its own code and what to do.
 */
final class SignatureCheck {
    private final RequestSignature signatures;
    private final Duration skew;

    SignatureCheck(String serverSecret, Duration skew) {
        this.signatures = new RequestSignature(serverSecret, skew);
        this.skew = skew;
    }

    /**
     * @param timestamp the {@link RequestSignature#TIMESTAMP_HEADER} header, or null
     * @param signature the {@link RequestSignature#SIGNATURE_HEADER} header, or null
     * @param body the body as sent (still compressed if it was)
     */
    void verify(
            WriteKey key,
            String timestamp,
            String signature,
            String method,
            String path,
            byte[] body,
            Instant now)
            throws ApiException {
        if (!key.signingRequired() && timestamp == null && signature == null) {
            return;
        }
        RequestSignature.Failure failure =
                signatures.verify(key.keyId(), timestamp, signature, method, path, body, now);
        if (failure == null) {
            return;
        }
        throw switch (failure) {
            case MISSING ->
                    new ApiException(
                            ApiError.SIGNATURE_REQUIRED,
                            "this write key requires signed requests: send "
                                    + RequestSignature.TIMESTAMP_HEADER
                                    + " and "
                                    + RequestSignature.SIGNATURE_HEADER);
            case EXPIRED ->
                    new ApiException(
                            ApiError.SIGNATURE_EXPIRED,
                            "the signature timestamp is more than "
                                    + skew.toSeconds()
                                    + " s away from the server's clock");
            case REPLAYED ->
                    new ApiException(
                            ApiError.SIGNATURE_REPLAYED,
                            "this signature was used before; sign every request (a retry too)"
                                    + " with a new timestamp");
            case MALFORMED ->
                    new ApiException(
                            ApiError.INVALID_SIGNATURE,
                            RequestSignature.SIGNATURE_HEADER
                                    + " must be v2=<hex HMAC-SHA256> and "
                                    + RequestSignature.TIMESTAMP_HEADER
                                    + " unix seconds");
            case MISMATCH ->
                    new ApiException(
                            ApiError.INVALID_SIGNATURE,
                            "the signature does not match; sign <timestamp>\\n<METHOD>\\n<path>\\n<raw body> (v2) with the key's signing secret");
        };
    }
}
