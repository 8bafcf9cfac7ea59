package io.causality.ingest.auth;

import java.time.Instant;

/**
 * A write key as stored: never the key itself, only its hash.
 *
 * @param keyId public identifier of the key (also its first characters), safe to log and show
 * @param appId the app whose events the key may send
 * @param signingRequired whether requests with this key must carry an HMAC signature
 */
public record WriteKey(
        String keyId,
        String keyHash,
        String appId,
        String label,
        boolean signingRequired,
        Instant createdAt,
        Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
