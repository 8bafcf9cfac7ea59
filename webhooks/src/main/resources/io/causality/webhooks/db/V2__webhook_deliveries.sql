-- The delivery log: one row per delivery (an action sent to an endpoint), updated per attempt,
-- and one row per attempt. Rows are written as idempotent upserts keyed by delivery id and
-- attempt number, so a replay or a restart never duplicates a row.
CREATE TABLE webhook_deliveries (
    delivery_id      text        PRIMARY KEY,   -- the action id: the webhook-id receivers see
    app_id           text        NOT NULL,
    endpoint         text        NOT NULL,
    action_id        text        NOT NULL,
    match_id         text,
    rule             text,
    -- pending, retrying, delivered, failed (dead-lettered after its last attempt), refused
    -- (never sent: unknown or disabled endpoint, address not allowed)
    status           text        NOT NULL,
    attempts         integer     NOT NULL,
    last_status_code integer,
    last_error       text,
    last_latency_ms  bigint,
    -- attempts * 10 + 0 (pending), 1 (retrying) or 2 (final): an older row written again after
    -- a restart never overwrites a newer one
    progress         integer     NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    next_attempt_at  timestamptz
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (app_id, endpoint, updated_at);
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, updated_at);

CREATE TABLE webhook_attempts (
    delivery_id   text        NOT NULL,
    attempt       integer     NOT NULL,
    started_at    timestamptz NOT NULL,
    status_code   integer,
    error         text,
    latency_ms    bigint      NOT NULL,
    response_head text,
    PRIMARY KEY (delivery_id, attempt)
);
