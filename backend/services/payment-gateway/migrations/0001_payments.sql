-- payment-gateway: payments, refunds, their timeline, pending follow-ups, channel callbacks.

CREATE TABLE payments (
    payment_no              text        PRIMARY KEY,
    merchant_id             text        NOT NULL,
    environment             text        NOT NULL DEFAULT 'test',
    order_no                text        NOT NULL,
    idempotency_key         text,
    amount_minor            bigint      NOT NULL CHECK (amount_minor > 0),
    currency                text        NOT NULL,
    status                  text        NOT NULL CHECK (status IN ('pending', 'processing', 'authorized',
                                            'success', 'failed', 'cancelled', 'expired')),
    capture                 boolean     NOT NULL DEFAULT true,
    pay_method              text        NOT NULL,
    channel                 text,
    channel_trade_no        text,
    channel_fee_minor       bigint      NOT NULL DEFAULT 0,
    captured_minor          bigint      NOT NULL DEFAULT 0,
    capture_requested_minor bigint,
    refunded_minor          bigint      NOT NULL DEFAULT 0,
    card_brand              text,
    card_last4              text,
    risk_decision           text,
    risk_score              integer,
    risk_level              text,
    risk_reasons            jsonb,
    error_code              text,
    error_message           text,
    description             text,
    customer_email          text,
    customer_ip             text,
    device_id               text,
    notify_url              text,
    return_url              text,
    metadata                jsonb       NOT NULL DEFAULT '{}',
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    expires_at              timestamptz NOT NULL,
    authorization_expires_at timestamptz,
    paid_at                 timestamptz,
    CHECK (captured_minor >= 0 AND captured_minor <= amount_minor),
    CHECK (refunded_minor >= 0 AND refunded_minor <= captured_minor),
    UNIQUE (merchant_id, order_no)
);
CREATE INDEX payments_merchant_created ON payments (merchant_id, created_at DESC);
CREATE INDEX payments_created ON payments (created_at DESC);
-- The expiry sweep looks only at open payments.
CREATE INDEX payments_open_expiry ON payments (expires_at) WHERE status IN ('pending', 'processing');
CREATE INDEX payments_authorized_expiry ON payments (authorization_expires_at) WHERE status = 'authorized';

CREATE TABLE refunds (
    refund_no         text        PRIMARY KEY,
    payment_no        text        NOT NULL REFERENCES payments (payment_no),
    merchant_id       text        NOT NULL,
    amount_minor      bigint      NOT NULL CHECK (amount_minor > 0),
    currency          text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'processing', 'success', 'failed')),
    reason            text,
    channel_refund_no text,
    error_code        text,
    operator_type     text        NOT NULL DEFAULT 'merchant',
    operator_id       text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    refunded_at       timestamptz
);
CREATE INDEX refunds_payment ON refunds (payment_no);
CREATE INDEX refunds_merchant_created ON refunds (merchant_id, created_at DESC);

-- The timeline of a payment: every status change, step and decision, written in the transaction
-- of the change it describes.
CREATE TABLE payment_events (
    id          bigserial   PRIMARY KEY,
    payment_no  text        NOT NULL REFERENCES payments (payment_no),
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind        text        NOT NULL, -- status | step | risk | refund | callback | compensation
    step        text,
    from_status text,
    to_status   text,
    detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX payment_events_payment ON payment_events (payment_no, id);

-- Follow-up calls to other services that must happen after a committed change (order pay, limit
-- release, channel void ...). Written in the same transaction as the change, run right after the
-- commit, and retried by the sweep with back-off until done: a failed call never leaks a
-- consumption or leaves an order behind its payment.
CREATE TABLE payment_tasks (
    id              bigserial   PRIMARY KEY,
    payment_no      text        NOT NULL REFERENCES payments (payment_no),
    kind            text        NOT NULL,
    payload         jsonb       NOT NULL DEFAULT '{}',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    done_at         timestamptz
);
CREATE INDEX payment_tasks_due ON payment_tasks (next_attempt_at) WHERE done_at IS NULL;

-- Verified channel callbacks as received (raw body kept for disputes and reconciliation).
CREATE TABLE payment_callbacks (
    id           bigserial   PRIMARY KEY,
    channel      text        NOT NULL,
    payment_no   text,
    refund_no    text,
    kind         text,
    status       text,
    applied      boolean     NOT NULL DEFAULT false,
    raw_body     bytea       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_callbacks_payment ON payment_callbacks (payment_no);
