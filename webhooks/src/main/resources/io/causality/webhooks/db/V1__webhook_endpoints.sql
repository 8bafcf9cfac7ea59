-- Webhook endpoints, registered per app by name (causality endpoints add).
CREATE SEQUENCE webhook_endpoint_changes;

CREATE TABLE webhook_endpoints (
    app_id                text        NOT NULL,
    name                  text        NOT NULL,
    url                   text        NOT NULL,
    -- messages per second the delivery sends to it at most; null: no limit of its own
    rate_per_second       integer     CHECK (rate_per_second > 0),
    -- deliver one message at a time per match key, in order
    ordered               boolean     NOT NULL DEFAULT false,
    enabled               boolean     NOT NULL DEFAULT true,
    disabled_reason       text,
    disabled_at           timestamptz,
    -- the Standard Webhooks secret, AES-256-GCM sealed (SecretBox)
    secret                bytea       NOT NULL,
    -- after a rotation the old secret signs too until previous_secret_until
    previous_secret       bytea,
    previous_secret_until timestamptz,
    last_success_at       timestamptz,
    failing_since         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- from webhook_endpoint_changes on every change: readers reload when the largest one moves
    change                bigint      NOT NULL DEFAULT nextval('webhook_endpoint_changes'),
    PRIMARY KEY (app_id, name)
);
