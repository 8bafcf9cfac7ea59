package io.causality.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Making and hashing write keys. A key is {@code ck_} followed by 40 random base62 characters
 * (about 238 bits); its first 8 random characters are its public id. Because keys are long and
 * random, a single SHA-256 is the right hash: a slow password hash protects guessable secrets,
 * which these are not, and would cost every request.
 */
public final class WriteKeys {
    public static final String PREFIX = "ck_";
    static final int RANDOM_LENGTH = 40;
    static final int ID_LENGTH = 8;
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private WriteKeys() {}

    /** A new random write key; shown once to whoever creates it, then only its hash is kept. */
    public static String generate() {
        StringBuilder sb = new StringBuilder(PREFIX);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** Whether a string has the shape of a write key (cheap check before hashing). */
    public static boolean wellFormed(String key) {
        if (key == null
                || key.length() != PREFIX.length() + RANDOM_LENGTH
                || !key.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    public static String keyId(String key) {
        return key.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
    }

    public static String hash(String key) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
