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
 * X-Causality-Timestamp: <unix seconds>} and {@code X-Causality-Signature: v2=<hex>}, where the hex
 * is HMAC-SHA256 over {@code <timestamp>\n<METHOD>\n<path>\n<raw body bytes>} keyed with the key's
 * signing secret: the method and path are covered, so a signed body cannot be sent to another
 * endpoint. The older {@code v1=} (HMAC over {@code <timestamp>.<raw body bytes>}) is still
 * accepted in this release and will be removed in the next. Either way a signature is accepted
 * once: one seen before within the skew window is a replay and refused. Each key's signing secret
 * is derived from the server's signing secret and the key id, so no per-key secret is stored
 * anywhere.
 */
public final class RequestSignature {
    public static final String TIMESTAMP_HEADER = "X-Causality-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Causality-Signature";
    private static final String V1 = "v1=";
    private static final String V2 = "v2=";

    /** Why a signature was refused. */
    public enum Failure {
        MISSING,
        MALFORMED,
        EXPIRED,
        MISMATCH,
        REPLAYED
    }

    private final byte[] serverSecret;
    private final Duration skew;
    private final ReplayGuard seen;

    public RequestSignature(String serverSecret, Duration skew) {
        this.serverSecret = serverSecret.getBytes(StandardCharsets.UTF_8);
        this.skew = skew;
        this.seen = new ReplayGuard(skew, ReplayGuard.MAX_REMEMBERED);
    }

    /** The signing secret of one key, handed to its owner at creation. */
    public String secretFor(String keyId) {
        return secretFor(serverSecret, keyId);
    }

    /** The signing secret of one key under a server signing secret ({@link KeyAdmin} uses it). */
    static String secretFor(String serverSecret, String keyId) {
        return secretFor(serverSecret.getBytes(StandardCharsets.UTF_8), keyId);
    }

    private static String secretFor(byte[] serverSecret, String keyId) {
        return HexFormat.of().formatHex(hmac(serverSecret, keyId.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The v1 header value: timestamp and body only.
     *
     * @deprecated v1 does not cover method and path; use {@link #sign(String, long, String, String,
     *     byte[])}. Accepted in this release only.
     */
    @Deprecated
    public static String sign(String keySecret, long unixSeconds, byte[] body) {
        return V1 + hex(keySecret, signedPayload(unixSeconds, body));
    }

    /** The header value a client computes: v2, over timestamp, method, path and body. */
    public static String sign(
            String keySecret, long unixSeconds, String method, String path, byte[] body) {
        return V2 + hex(keySecret, signedPayload(unixSeconds, method, path, body));
    }

    /** Null when the signature is good and new, else why not. */
    public Failure verify(
            String keyId,
            String timestampHeader,
            String signatureHeader,
            String method,
            String path,
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
        String given = signatureHeader.trim();
        String secret;
        String expected;
        if (given.startsWith(V2)) {
            secret = secretFor(keyId);
            expected = sign(secret, ts, method, path, body);
        } else if (given.startsWith(V1)) {
            secret = secretFor(keyId);
            expected = sign(secret, ts, body);
        } else {
            return Failure.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - ts) > skew.toSeconds()) {
            return Failure.EXPIRED;
        }
        // Constant-time comparison: the time taken must not tell how much of it matched.
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII))) {
            return Failure.MISMATCH;
        }
        return seen.firstTime(keyId + ":" + given, ts, now) ? null : Failure.REPLAYED;
    }

    private static String hex(String keySecret, byte[] payload) {
        return HexFormat.of().formatHex(hmac(keySecret.getBytes(StandardCharsets.UTF_8), payload));
    }

    private static byte[] signedPayload(long unixSeconds, String method, String path, byte[] body) {
        byte[] prefix =
                (unixSeconds + "\n" + method + "\n" + path + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
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
