-- Hosted checkout (spec §4.16): sessions a merchant opens for one order, and the funnel events of
-- the hosted page. The session token is a bearer credential: only its SHA-256 is stored.

CREATE TABLE cashier_sessions (
    token_hash       text        PRIMARY KEY,      -- hex sha256 of the session token
    merchant_id      text        NOT NULL,
    merchant_name    text        NOT NULL DEFAULT '',
    environment      text        NOT NULL DEFAULT 'test',
    order_no         text        NOT NULL,
    amount_minor     bigint      NOT NULL CHECK (amount_minor > 0),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    description      text        NOT NULL DEFAULT '',
    return_url       text        NOT NULL,
    customer_email   text        NOT NULL DEFAULT '',
    allowed_channels jsonb       NOT NULL DEFAULT '[]',
    form_token       text        NOT NULL,         -- CSRF token of the hosted form
    status           text        NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'completed', 'failed', 'cancelled', 'expired')),
    payment_no       text,
    payment_status   text,
    decline_reason   text,
    expires_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- One open session per order: a second one would pay the same order twice.
CREATE UNIQUE INDEX cashier_sessions_open_order ON cashier_sessions (merchant_id, order_no) WHERE status = 'open';
CREATE INDEX cashier_sessions_open_expiry ON cashier_sessions (expires_at) WHERE status = 'open';
CREATE INDEX cashier_sessions_merchant ON cashier_sessions (merchant_id, created_at);

CREATE TABLE cashier_events (
    id          bigserial   PRIMARY KEY,
    token_hash  text        NOT NULL REFERENCES cashier_sessions (token_hash),
    merchant_id text        NOT NULL,
    step        text        NOT NULL
                CHECK (step IN ('page_view', 'form_submit', 'payment_succeeded', 'payment_declined', 'expired')),
    elapsed_ms  bigint      NOT NULL,              -- since the session was created
    detail      text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cashier_events_merchant_time ON cashier_events (merchant_id, created_at);
CREATE INDEX cashier_events_time ON cashier_events (created_at);
