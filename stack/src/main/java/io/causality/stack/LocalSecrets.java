package io.causality.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The local stack's secrets (the ingest's signing secret, the S3 credentials), generated at random
 * the first time one is asked for and kept in a file only its owner can read. Nothing secret is in
 * the repository.
 */
public final class LocalSecrets {
    public static final String SIGNING_SECRET = "auth.signing-secret";
    public static final String S3_SECRET_KEY = "s3.secret-key";

    /**
     * Seals the webhook endpoints' secrets in PostgreSQL (the delivery job reads it from a file).
     */
    public static final String DELIVERY_SECRET_KEY = "delivery.secret-key";

    private final Path file;
    private Properties values;

    public LocalSecrets(Path file) {
        this.file = file;
    }

    public synchronized String get(String key) {
        try {
            if (values == null) {
                values = new Properties();
                if (Files.exists(file)) {
                    try (InputStream in = Files.newInputStream(file)) {
                        values.load(in);
                    }
                }
            }
            String v = values.getProperty(key);
            if (v == null) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                v = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                values.setProperty(key, v);
                write();
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private void write() throws IOException {
        writePrivate(file, values, "secrets of the local stack; never commit");
    }

    /**
     * Writes a file only its owner can read, created so from the start (never readable by others,
     * not even for a moment): for every file of the stack that holds a secret.
     */
    public static void writePrivate(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** As {@link #writePrivate(Path, String)}, for properties. */
    public static void writePrivate(Path file, Properties p, String comment) throws IOException {
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, comment);
        writePrivate(file, w.toString());
    }
}
