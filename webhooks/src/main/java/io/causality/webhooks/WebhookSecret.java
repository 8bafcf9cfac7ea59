package io.causality.webhooks;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret: {@code whsec_} followed by the base64 of 24 to 64 random
 * bytes (32 when we make one). The bytes after decoding are the HMAC key. {@link #toString} never
 * shows it.
 */
public final class WebhookSecret {
    public static final String PREFIX = "whsec_";
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;
    private static final int GENERATED_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String text;
    private final byte[] key;

    private WebhookSecret(String text, byte[] key) {
        this.text = text;
        this.key = key;
    }

    /** A new random secret. */
    public static WebhookSecret generate() {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key), key);
    }

    /**
     * A secret as written, {@code whsec_<base64>}.
     *
     * @throws IllegalArgumentException with what is wrong (never the secret itself)
     */
    public static WebhookSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a webhook secret is " + PREFIX + " followed by base64", e);
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "a webhook secret holds "
                            + MIN_BYTES
                            + " to "
                            + MAX_BYTES
                            + " bytes, this one "
                            + key.length);
        }
        return new WebhookSecret(text, key);
    }

    /** The secret as written, to show its owner once or to store (encrypted). */
    public String reveal() {
        return text;
    }

    byte[] key() {
        return key;
    }

    @Override
    public String toString() {
        return PREFIX + "…";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookSecret other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
