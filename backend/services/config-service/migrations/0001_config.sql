-- config-service: versioned config values, feature flags and the service registry.

-- One row per key: the current version, locked (FOR UPDATE) by every change so that versions per
-- key increase by exactly one and expected_version checks are race-free.
CREATE TABLE config_keys (
    key             text        PRIMARY KEY CHECK (key ~ '^[a-z0-9_.-]{1,128}$'),
    current_version integer     NOT NULL CHECK (current_version >= 0),  -- 0: being created
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Every version ever written (history). Secret values live only in value_sealed
-- (AES-256-GCM with the installation's master key, over the value's JSON text); plain values
-- only in value.
CREATE TABLE config_versions (
    key            text        NOT NULL REFERENCES config_keys (key),
    version        integer     NOT NULL CHECK (version >= 1),
    value          jsonb,
    value_sealed   bytea,
    is_secret      boolean     NOT NULL,
    description    text        NOT NULL DEFAULT '',
    change_type    text        NOT NULL CHECK (change_type IN ('set', 'rollback')),
    rollback_of    integer,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL DEFAULT '',
    PRIMARY KEY (key, version),
    CHECK ((is_secret AND value IS NULL AND value_sealed IS NOT NULL) OR
           (NOT is_secret AND value IS NOT NULL AND value_sealed IS NULL))
);

CREATE TABLE feature_flags (
    name            text        PRIMARY KEY CHECK (name ~ '^[a-z0-9_.-]{1,128}$'),
    enabled         boolean     NOT NULL,
    rollout_percent integer     NOT NULL CHECK (rollout_percent BETWEEN 0 AND 100),
    allow_merchants jsonb       NOT NULL DEFAULT '[]',
    deny_merchants  jsonb       NOT NULL DEFAULT '[]',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text        NOT NULL DEFAULT ''
);

-- Services announce themselves when they first become ready (and again on every restart).
CREATE TABLE service_registry (
    name          text        PRIMARY KEY,
    url           text        NOT NULL,
    version       text        NOT NULL,
    port          integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_seen     timestamptz NOT NULL DEFAULT now()
);
