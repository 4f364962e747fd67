-- channel-adapter: channel configuration, routing rules and the channel transaction log.

-- One row per channel plugin, created on first start with a fresh callback secret.
CREATE TABLE channel_configs (
    channel          text        PRIMARY KEY CHECK (length(channel) BETWEEN 1 AND 64),
    enabled          boolean     NOT NULL DEFAULT true,
    mode             text        NOT NULL DEFAULT 'test' CHECK (mode IN ('test', 'live')),
    fee_percent_bps  integer     CHECK (fee_percent_bps BETWEEN 0 AND 10000),
    fee_fixed_minor  bigint      CHECK (fee_fixed_minor >= 0),
    min_amount_minor bigint      CHECK (min_amount_minor >= 1),
    max_amount_minor bigint      CHECK (max_amount_minor >= 1),
    currencies       jsonb       NOT NULL DEFAULT '[]',  -- restriction; [] = all the plugin supports
    priority         integer     NOT NULL DEFAULT 100,
    settings         jsonb       NOT NULL DEFAULT '{}',  -- latency_ms, failure_rate, timeout_rate, ...
    secrets          bytea       NOT NULL,               -- AES-256-GCM(master key, {"callback_secret": hex})
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text
);

-- Routing rules, evaluated by priority (lower first) when the caller names no channel.
CREATE TABLE payment_routes (
    id               bigserial   PRIMARY KEY,
    name             text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    channel          text        NOT NULL,
    priority         integer     NOT NULL DEFAULT 100,
    enabled          boolean     NOT NULL DEFAULT true,
    currencies       jsonb       NOT NULL DEFAULT '[]',
    min_amount_minor bigint,
    max_amount_minor bigint,
    merchant_ids     jsonb       NOT NULL DEFAULT '[]',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Payments and refunds as the channel saw them. No card number or CVC: brand and last 4 only.
CREATE TABLE channel_transactions (
    id                bigserial   PRIMARY KEY,
    transaction_type  text        NOT NULL CHECK (transaction_type IN ('payment', 'refund')),
    payment_no        text        NOT NULL,
    refund_no         text,
    merchant_id       text        NOT NULL,
    channel           text        NOT NULL,
    channel_trade_no  text,
    channel_refund_no text,
    amount_minor      bigint      NOT NULL CHECK (amount_minor > 0),
    currency          char(3)     NOT NULL,
    captured_minor    bigint      NOT NULL DEFAULT 0,
    refunded_minor    bigint      NOT NULL DEFAULT 0,
    status            text        NOT NULL CHECK (status IN ('processing', 'pending', 'authorized', 'succeeded',
                                                             'declined', 'failed', 'voided', 'cancelled')),
    decline_code      text,
    decline_message   text,
    fee_minor         bigint      NOT NULL DEFAULT 0,
    net_minor         bigint      NOT NULL DEFAULT 0,
    capture           boolean     NOT NULL DEFAULT true,
    pay_method        text,
    card_brand        text,
    card_last4        char(4),
    routing_reason    text        NOT NULL,
    callback_url      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((transaction_type = 'refund') = (refund_no IS NOT NULL))
);
CREATE UNIQUE INDEX channel_transactions_payment ON channel_transactions (payment_no)
    WHERE transaction_type = 'payment';
CREATE UNIQUE INDEX channel_transactions_refund ON channel_transactions (refund_no)
    WHERE transaction_type = 'refund';
CREATE INDEX channel_transactions_refunds_of ON channel_transactions (payment_no, transaction_type);
CREATE INDEX channel_transactions_created ON channel_transactions (created_at DESC, id DESC);
