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
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            values.store(w, "secrets of the local stack; never commit");
        }
    }
}
