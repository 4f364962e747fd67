-- merchant-limit-service: what a merchant is (tier, KYC level), admin overrides per currency,
-- usage per UTC window and every consumption (idempotent on reference).

-- Tier and KYC level, learnt from merchant.events / kyc.events or set by an admin.
CREATE TABLE merchant_profiles (
    merchant_id text        PRIMARY KEY CHECK (length(merchant_id) BETWEEN 1 AND 64),
    tier        text,
    kyc_level   text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Admin overrides; a NULL field is not overridden (the tier/KYC minimum applies).
CREATE TABLE limit_overrides (
    merchant_id       text        NOT NULL,
    currency          char(3)     NOT NULL,
    single_max_minor  bigint      CHECK (single_max_minor >= 0),
    daily_max_minor   bigint      CHECK (daily_max_minor >= 0),
    monthly_max_minor bigint      CHECK (monthly_max_minor >= 0),
    daily_count_max   bigint      CHECK (daily_count_max >= 0),
    monthly_count_max bigint      CHECK (monthly_count_max >= 0),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text,
    PRIMARY KEY (merchant_id, currency)
);

-- Usage per window, keyed by the window's first day (UTC). A new day or month is a new row that
-- starts at zero, so nothing ever "resets" usage; old rows stay as history.
CREATE TABLE limit_usage (
    merchant_id  text    NOT NULL,
    currency     char(3) NOT NULL,
    window_kind  text    NOT NULL CHECK (window_kind IN ('day', 'month')),
    window_start date    NOT NULL,
    used_minor   bigint  NOT NULL DEFAULT 0 CHECK (used_minor >= 0),
    used_count   bigint  NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    warned_level integer NOT NULL DEFAULT 0,  -- highest warning threshold already announced
    PRIMARY KEY (merchant_id, currency, window_kind, window_start)
);

-- One row per accepted consume; `reference` makes consume idempotent and release single-use.
CREATE TABLE limit_consumptions (
    reference    text        PRIMARY KEY CHECK (length(reference) BETWEEN 1 AND 128),
    merchant_id  text        NOT NULL,
    currency     char(3)     NOT NULL,
    amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
    consumed_at  timestamptz NOT NULL,
    day_start    date        NOT NULL,
    month_start  date        NOT NULL,
    released_at  timestamptz
);
CREATE INDEX limit_consumptions_merchant ON limit_consumptions (merchant_id, consumed_at);
