-- The standing of each merchant as merchant-service announces it on merchant.events: a suspended
-- or rejected merchant's keys stop working at once, without revoking them (re-activation restores
-- them). Merchants never announced (e.g. created before this table) are treated as in good standing.
CREATE TABLE merchant_standing (
    merchant_id text        PRIMARY KEY,
    status      text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
