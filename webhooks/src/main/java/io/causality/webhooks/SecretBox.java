package io.causality.webhooks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Endpoint secrets at rest: AES-256-GCM under a key derived from the operator's {@code
 * delivery.secret-key}. Encrypted rather than hashed because the delivery job must sign with the
 * secret itself (HMAC needs the key; a hash could only check a signature, never make one). Each
 * value is bound to its endpoint (app and name as associated data), so a ciphertext copied to
 * another row does not decrypt.
 */
public final class SecretBox {
    static final int MIN_KEY_CHARS = 32;
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /**
     * @param secretKey at least 32 characters of random text (the stack makes one)
     */
    public SecretBox(String secretKey) {
        if (secretKey == null || secretKey.length() < MIN_KEY_CHARS) {
            throw new IllegalArgumentException(
                    "delivery.secret-key must be at least "
                            + MIN_KEY_CHARS
                            + " characters of random text");
        }
        this.key = new SecretKeySpec(derive(secretKey), "AES");
    }

    public byte[] seal(WebhookSecret secret, String appId, String endpoint) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(bound(appId, endpoint));
            byte[] sealed = c.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /**
     * @throws IllegalStateException when the value was not sealed for this endpoint with this key
     *     (the key changed, or the row was tampered with)
     */
    public WebhookSecret open(byte[] sealed, String appId, String endpoint) {
        if (sealed == null
                || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8
                || sealed[0] != VERSION) {
            throw new IllegalStateException(
                    "the secret of endpoint " + appId + "/" + endpoint + " is not in a known form");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            c.updateAAD(bound(appId, endpoint));
            byte[] plain = c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
            return WebhookSecret.parse(new String(plain, StandardCharsets.UTF_8));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException(
                    "the secret of endpoint "
                            + appId
                            + "/"
                            + endpoint
                            + " does not open with this delivery.secret-key (was the key changed?)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private static byte[] bound(String appId, String endpoint) {
        return (appId + "\n" + endpoint).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] derive(String secretKey) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(
                            ("causality endpoint secrets v1\n" + secretKey)
                                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
