package io.causality.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 request signing for server-side sources. The client sends {@code
 * X-Causality-Timestamp: <unix seconds>} and {@code X-Causality-Signature: v1=<hex>}, where the hex
 * is HMAC-SHA256 over {@code <timestamp>.<raw body bytes>} keyed with the key's signing secret.
 * Each key's signing secret is derived from the server's signing secret and the key id, so no
 * per-key secret is stored anywhere.
 */
public final class RequestSignature {
    public static final String TIMESTAMP_HEADER = "X-Causality-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Causality-Signature";
    private static final String SCHEME = "v1=";

    /** Why a signature was refused. */
    public enum Failure {
        MISSING,
        MALFORMED,
        EXPIRED,
        MISMATCH
    }

    private final byte[] serverSecret;
    private final Duration skew;

    public RequestSignature(String serverSecret, Duration skew) {
        this.serverSecret = serverSecret.getBytes(StandardCharsets.UTF_8);
        this.skew = skew;
    }

    /** The signing secret of one key, handed to its owner at creation. */
    public String secretFor(String keyId) {
        return HexFormat.of().formatHex(hmac(serverSecret, keyId.getBytes(StandardCharsets.UTF_8)));
    }

    /** The header value a client computes. */
    public static String sign(String keySecret, long unixSeconds, byte[] body) {
        return SCHEME
                + HexFormat.of()
                        .formatHex(
                                hmac(
                                        keySecret.getBytes(StandardCharsets.UTF_8),
                                        signedPayload(unixSeconds, body)));
    }

    /** Null when the signature is good, else why not. */
    public Failure verify(
            String keyId,
            String timestampHeader,
            String signatureHeader,
            byte[] body,
            Instant now) {
        if (timestampHeader == null || signatureHeader == null) {
            return Failure.MISSING;
        }
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return Failure.MALFORMED;
        }
        if (!signatureHeader.startsWith(SCHEME)) {
            return Failure.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - ts) > skew.toSeconds()) {
            return Failure.EXPIRED;
        }
        byte[] expected = sign(secretFor(keyId), ts, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signatureHeader.trim().getBytes(StandardCharsets.US_ASCII);
        // Constant-time comparison: the time taken must not tell how much of it matched.
        return MessageDigest.isEqual(expected, given) ? null : Failure.MISMATCH;
    }

    private static byte[] signedPayload(long unixSeconds, byte[] body) {
        byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
