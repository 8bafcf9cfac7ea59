package io.causality.ingest.auth;

import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Managing write keys from outside the ingest: the one API the command line, the local stack and
 * the tests use to create, list and revoke keys. How keys are stored (the table, the hash) stays
 * the ingest's; a key's plain text exists only in what {@link #create} returns.
 */
public final class KeyAdmin {
    private final KeyStore store;
    private final Supplier<String> serverSigningSecret;

    /**
     * @param serverSigningSecret the ingest's {@code auth.signing-secret}, to hand a signed key's
     *     owner their signing secret; null when the caller does not have it (then {@link
     *     NewKey#signingSecret} is null)
     */
    public KeyAdmin(DataSource dataSource, String serverSigningSecret) {
        this(dataSource, () -> serverSigningSecret);
    }

    /** As above, the secret read only when a signed key is created. */
    public KeyAdmin(DataSource dataSource, Supplier<String> serverSigningSecret) {
        this.store = new KeyStore(dataSource);
        this.serverSigningSecret = serverSigningSecret;
    }

    /**
     * A key just created.
     *
     * @param plainKey the write key itself; shown once, only its hash is kept
     * @param signingSecret for a key that must sign, the secret to sign with; else null
     */
    public record NewKey(String plainKey, WriteKey record, String signingSecret) {}

    /** Creates the tables if they do not exist; safe to run at every start. */
    public void migrate() throws SQLException {
        store.migrate();
    }

    /**
     * A new key for an app.
     *
     * @throws IllegalArgumentException when the app id is not a valid app id
     */
    public NewKey create(String appId, String label, boolean signingRequired) throws SQLException {
        String key = WriteKeys.generate();
        WriteKey record = store.create(key, appId, label, signingRequired);
        String server = signingRequired ? serverSigningSecret.get() : null;
        String secret = server != null ? RequestSignature.secretFor(server, record.keyId()) : null;
        return new NewKey(key, record, secret);
    }

    /** Every key, oldest first, revoked ones included; never the keys themselves. */
    public List<WriteKey> list() throws SQLException {
        return store.list();
    }

    /** Revokes a key by id; false when no active key has that id. */
    public boolean revoke(String keyId) throws SQLException {
        return store.revoke(keyId);
    }
}
