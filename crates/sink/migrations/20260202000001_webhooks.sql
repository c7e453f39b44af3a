-- Webhooks (issue 20): targets registered through the admin API, and one delivery row per
-- target and stored resolution, written in the transaction that stores the resolution, so a
-- stored row is never without its deliveries. The secret signs each POST (HMAC-SHA256).
CREATE TABLE IF NOT EXISTS webhooks (
    id          bigserial PRIMARY KEY,
    url         text NOT NULL,
    organ       text,
    secret      text NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               bigserial PRIMARY KEY,
    webhook_id       bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    attempts         integer NOT NULL DEFAULT 0,
    last_status_code integer,
    last_error       text,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);

CREATE INDEX IF NOT EXISTS webhook_deliveries_due
    ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
