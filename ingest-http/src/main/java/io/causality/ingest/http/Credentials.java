package io.causality.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.ingest.auth.WriteKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a request's write key is read from: the {@code Authorization} header (Basic with the key as
 * user name, or Bearer), or, on Segment's endpoints only, {@code writeKey} in the body. A key that
 * cannot be a write key is refused here, before any lookup.
 */
final class Credentials {
    private Credentials() {}

    /** The write key from {@code Authorization: Basic base64(key:)} or {@code Bearer key}. */
    static String fromAuthorization(String authorization) throws ApiException {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(
                    ApiError.MISSING_WRITE_KEY,
                    "send the write key as HTTP Basic user name or as Authorization: Bearer <key>");
        }
        String key;
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(
                                Base64.getDecoder().decode(value.substring(6).trim()),
                                StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                key = colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                throw invalidKey();
            }
        } else if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = value.substring(7).trim();
        } else {
            throw new ApiException(
                    ApiError.MISSING_WRITE_KEY,
                    "unsupported Authorization scheme; use Basic (key as user name) or Bearer");
        }
        return wellFormed(key);
    }

    /** The write key from a Segment body's {@code writeKey} (browser and mobile libraries). */
    static String fromBody(JsonNode root) throws ApiException {
        JsonNode given = root.get("writeKey");
        if (given == null || !given.isTextual()) {
            throw new ApiException(
                    ApiError.MISSING_WRITE_KEY,
                    "send the write key as HTTP Basic user name, as Authorization: Bearer"
                            + " <key>, or (Segment's API) as writeKey in the body");
        }
        return wellFormed(given.textValue());
    }

    static ApiException invalidKey() {
        return new ApiException(
                ApiError.INVALID_WRITE_KEY, "the write key is unknown or was revoked");
    }

    private static String wellFormed(String key) throws ApiException {
        if (!WriteKeys.wellFormed(key)) {
            throw invalidKey();
        }
        return key;
    }
}
