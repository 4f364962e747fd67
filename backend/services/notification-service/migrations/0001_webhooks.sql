-- Merchant webhooks (spec §3.3, §4.8): endpoints with sealed per-endpoint signing secrets, the
-- merchant's default secret for a payment's notify_url, one delivery per (event, target) and
-- every HTTP attempt of it.

CREATE TABLE webhook_endpoints (
    id             uuid        PRIMARY KEY,
    merchant_id    text        NOT NULL,
    url            text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    events         jsonb       NOT NULL,          -- ["payment.success", …] or ["*"]
    enabled        boolean     NOT NULL DEFAULT true,
    secret_sealed  bytea       NOT NULL,          -- crypto::encrypt(masterKey, id + "\n" + secret)
    secret_rotated_at timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz,                   -- kept for the deliveries that point at it
    CHECK (jsonb_typeof(events) = 'array' AND jsonb_array_length(events) BETWEEN 1 AND 32)
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id) WHERE deleted_at IS NULL;

-- Secret that signs deliveries to a payment's notify_url (one per merchant).
CREATE TABLE merchant_signing_secrets (
    merchant_id    text        PRIMARY KEY,
    secret_sealed  bytea       NOT NULL,          -- crypto::encrypt(masterKey, "merchant:" + id + "\n" + secret)
    created_at     timestamptz NOT NULL DEFAULT now(),
    rotated_at     timestamptz
);

CREATE TABLE webhook_deliveries (
    id              uuid        PRIMARY KEY,
    merchant_id     text        NOT NULL,
    endpoint_id     uuid        REFERENCES webhook_endpoints (id),  -- null for notify_url
    target          text        NOT NULL CHECK (target IN ('endpoint', 'notify_url')),
    url             text        NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    payment_no      text        NOT NULL DEFAULT '',
    refund_no       text        NOT NULL DEFAULT '',
    body            text        NOT NULL,         -- exactly the bytes that are signed and sent
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'retrying', 'delivered', 'dead')),
    round           integer     NOT NULL DEFAULT 1, -- 1 + manual redeliveries
    attempts        integer     NOT NULL DEFAULT 0, -- attempts in this round
    max_attempts    integer     NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claim_token     uuid,                          -- the worker that holds the current attempt
    last_status_code integer,
    last_error      text,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, target, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status IN ('pending', 'retrying');
CREATE INDEX webhook_deliveries_merchant ON webhook_deliveries (merchant_id, created_at DESC);
CREATE INDEX webhook_deliveries_payment ON webhook_deliveries (payment_no) WHERE payment_no <> '';

CREATE TABLE webhook_attempts (
    id               bigserial   PRIMARY KEY,
    delivery_id      uuid        NOT NULL REFERENCES webhook_deliveries (id),
    round            integer     NOT NULL,
    attempt          integer     NOT NULL,
    request_headers  jsonb       NOT NULL,
    request_body     text        NOT NULL,
    response_status  integer,                      -- null: no HTTP answer
    response_body    text        NOT NULL DEFAULT '', -- first 4 KiB
    error            text        NOT NULL DEFAULT '',
    duration_ms      integer     NOT NULL,
    retry_delay_ms   bigint,                       -- back-off chosen after this attempt, if any
    started_at       timestamptz NOT NULL,
    UNIQUE (delivery_id, round, attempt)
);
