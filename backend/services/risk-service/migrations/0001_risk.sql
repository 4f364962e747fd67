-- risk-service: rules, blacklist, tunable thresholds and every check made.

-- Rules: all present JSON conditions must match; enabled rules are evaluated by priority
-- (lower first, then id) and the first match decides its action.
CREATE TABLE risk_rules (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    description text,
    priority    integer     NOT NULL DEFAULT 100,
    conditions  jsonb       NOT NULL CHECK (jsonb_typeof(conditions) = 'object'),
    action      text        NOT NULL CHECK (action IN ('reject', 'review')),
    enabled     boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text
);
CREATE INDEX risk_rules_order ON risk_rules (priority, id) WHERE enabled;

-- Thresholds of the scoring (velocity windows and limits, device set sizes, large amount).
CREATE TABLE risk_settings (
    name        text   PRIMARY KEY,
    value       bigint NOT NULL CHECK (value >= 0),
    description text
);
INSERT INTO risk_settings (name, value, description) VALUES
    ('large_amount_minor', 1000000, 'amount above which +20 applies (minor units)'),
    ('velocity_ip_max', 10, 'checks per IP per window before +15'),
    ('velocity_ip_window_s', 60, 'IP velocity window (seconds)'),
    ('velocity_merchant_max', 100, 'checks per merchant per window before +15'),
    ('velocity_merchant_window_s', 60, 'merchant velocity window (seconds)'),
    ('velocity_device_max', 30, 'checks per device per window before +15'),
    ('velocity_device_window_s', 3600, 'device velocity window (seconds)'),
    ('velocity_email_max', 5, 'checks per email per window before +15'),
    ('velocity_email_window_s', 600, 'email velocity window (seconds)'),
    ('device_emails_max', 5, 'distinct emails per device before +10'),
    ('device_emails_ttl_s', 2592000, 'lifetime of the per-device email set (seconds)'),
    ('device_merchants_max', 10, 'distinct merchants per device before +10'),
    ('device_merchants_ttl_s', 2592000, 'lifetime of the per-device merchant set (seconds)'),
    ('device_ips_max', 20, 'distinct IPs per device before +10'),
    ('device_ips_ttl_s', 86400, 'lifetime of the per-device IP set (seconds)');

-- One row whose version changes with every change of rules or settings (any statement, also by
-- hand): workers compare it to their cached copy and reload only when it moved.
CREATE TABLE risk_config_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);
INSERT INTO risk_config_version (id, version) VALUES (1, 1);

CREATE FUNCTION risk_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE risk_config_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER risk_rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON risk_rules
    FOR EACH STATEMENT EXECUTE FUNCTION risk_bump_config_version();
CREATE TRIGGER risk_settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON risk_settings
    FOR EACH STATEMENT EXECUTE FUNCTION risk_bump_config_version();

-- Blacklisted values (normalised: emails lower-case, phones digits with an optional leading +).
-- Removal keeps the row as history; only one active row per value.
CREATE TABLE blacklist (
    id           bigserial   PRIMARY KEY,
    entity_type  text        NOT NULL
        CHECK (entity_type IN ('email', 'ip', 'card_bin', 'card_fingerprint', 'device', 'phone')),
    entity_value text        NOT NULL CHECK (length(entity_value) BETWEEN 1 AND 256),
    reason       text,
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    expires_at   timestamptz,
    added_by     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    removed_by   text,
    removed_at   timestamptz
);
CREATE UNIQUE INDEX blacklist_active_value ON blacklist (entity_type, entity_value) WHERE status = 'active';

-- Every check with its per-factor scores and reasons.
CREATE TABLE risk_checks (
    id            uuid        PRIMARY KEY,
    merchant_id   text        NOT NULL,
    payment_no    text        NOT NULL,
    amount_minor  bigint      NOT NULL,
    currency      char(3)     NOT NULL,
    request       jsonb       NOT NULL,
    risk_score    integer     NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
    risk_level    text        NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    decision      text        NOT NULL CHECK (decision IN ('pass', 'review', 'reject')),
    reasons       jsonb       NOT NULL,
    factors       jsonb       NOT NULL,
    rule_id       bigint,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_checks_merchant ON risk_checks (merchant_id, created_at DESC);
CREATE INDEX risk_checks_decision ON risk_checks (decision, created_at DESC);
CREATE INDEX risk_checks_payment ON risk_checks (payment_no);
