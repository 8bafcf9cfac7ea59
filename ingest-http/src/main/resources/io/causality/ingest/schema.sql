-- Write keys: only the SHA-256 of a key is stored (see WriteKeys for why SHA-256 suffices).
CREATE TABLE IF NOT EXISTS write_keys (
    key_id           text PRIMARY KEY,
    key_hash         text NOT NULL UNIQUE,
    app_id           text NOT NULL,
    label            text NOT NULL DEFAULT '',
    signing_required boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz
);
CREATE INDEX IF NOT EXISTS write_keys_app_id ON write_keys (app_id);
