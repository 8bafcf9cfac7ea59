package io.causality.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures per the Standard Webhooks specification: the headers {@code webhook-id}, {@code
 * webhook-timestamp} (unix seconds) and {@code webhook-signature}, whose value is {@code v1,<base64
 * of HMAC-SHA256(id.timestamp.body)>}, several of them separated by spaces while a rotated secret
 * still signs beside the new one.
 */
public final class WebhookSignature {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String VERSION = "v1,";

    private WebhookSignature() {}

    /** One signature, {@code v1,<base64>}. */
    public static String sign(WebhookSecret secret, String id, long timestamp, byte[] body) {
        Mac mac = hmac(secret.key());
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return VERSION + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    /** The {@code webhook-signature} header: one signature per active secret, newest first. */
    public static String header(
            List<WebhookSecret> secrets, String id, long timestamp, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("an endpoint signs with at least one secret");
        }
        StringBuilder out = new StringBuilder();
        for (WebhookSecret s : secrets) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(sign(s, id, timestamp, body));
        }
        return out.toString();
    }

    /**
     * What a receiver checks: whether any signature of the header is the secret's (compared in
     * constant time). The timestamp's age is the receiver's to check.
     */
    public static boolean verify(
            WebhookSecret secret, String id, long timestamp, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        byte[] expected = sign(secret, id, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        for (String given : header.trim().split(" +")) {
            found |= MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
        }
        return found;
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
