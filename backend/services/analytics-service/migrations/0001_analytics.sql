-- Per-minute payment figures per (merchant, currency), fed by payment.events (README.md).
CREATE TABLE analytics_minutes (
    merchant_id     text        NOT NULL,
    currency        text        NOT NULL,
    minute          timestamptz NOT NULL, -- start of the UTC minute of the event's occurred_at
    created_count   bigint      NOT NULL DEFAULT 0,
    created_minor   bigint      NOT NULL DEFAULT 0,
    succeeded_count bigint      NOT NULL DEFAULT 0,
    succeeded_minor bigint      NOT NULL DEFAULT 0,
    failed_count    bigint      NOT NULL DEFAULT 0,
    failed_minor    bigint      NOT NULL DEFAULT 0,
    cancelled_count bigint      NOT NULL DEFAULT 0,
    expired_count   bigint      NOT NULL DEFAULT 0,
    refunded_count  bigint      NOT NULL DEFAULT 0,
    refunded_minor  bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (merchant_id, currency, minute)
);
CREATE INDEX analytics_minutes_minute ON analytics_minutes (minute);

-- Latency (payment.created → payment.success/failed) histogram: counts per fixed bucket
-- (domain/LatencyHistogram.h), in the minute of the outcome. Buckets merge by summing.
CREATE TABLE analytics_latency (
    merchant_id text        NOT NULL,
    currency    text        NOT NULL,
    minute      timestamptz NOT NULL,
    bucket      smallint    NOT NULL,
    count       bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (merchant_id, currency, minute, bucket)
);
CREATE INDEX analytics_latency_minute ON analytics_latency (minute);

-- The two ends of a payment's latency, whichever event arrives first (events may come out of
-- order); latency is recorded once, when both are known.
CREATE TABLE analytics_payment_times (
    payment_no  text        PRIMARY KEY,
    merchant_id text        NOT NULL,
    currency    text        NOT NULL,
    created_at  timestamptz,
    outcome_at  timestamptz,
    recorded    boolean     NOT NULL DEFAULT false
);
