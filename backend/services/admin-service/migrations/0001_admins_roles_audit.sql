-- admin-service: operators, their roles and permissions, sessions (refresh tokens), and the
-- append-only audit log fed by every service's audit events (topic audit.events).

CREATE TABLE admins (
    id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    username             text        NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    email                text        NOT NULL DEFAULT '',
    full_name            text        NOT NULL DEFAULT '',
    password_hash        text        NOT NULL,
    password_changed_at  timestamptz NOT NULL DEFAULT now(),
    must_change_password boolean     NOT NULL DEFAULT false,
    status               text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'locked')),
    locked_until         timestamptz,             -- NULL with status locked: until an admin unlocks
    failed_attempts      integer     NOT NULL DEFAULT 0,
    first_failed_at      timestamptz,             -- start of the current 15-minute failure window
    is_super             boolean     NOT NULL DEFAULT false,
    totp_secret          bytea,                   -- AES-256-GCM sealed (master key), when enabled
    totp_pending_secret  bytea,                   -- sealed, between 2fa/setup and 2fa/verify
    totp_enabled         boolean     NOT NULL DEFAULT false,
    totp_last_step       bigint      NOT NULL DEFAULT 0,  -- RFC 6238 §5.2: a code is accepted once
    last_login_at        timestamptz,
    last_login_ip        text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- The last hashes of each admin: a new password may not match any of the last five (spec §3.5).
CREATE TABLE password_history (
    id            bigserial   PRIMARY KEY,
    admin_id      uuid        NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_admin ON password_history (admin_id, id DESC);

CREATE TABLE permissions (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z_]+\.[a-z_]+$'),
    name     text NOT NULL,
    resource text NOT NULL,
    action   text NOT NULL
);

CREATE TABLE roles (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9_]{2,64}$'),
    display_name text        NOT NULL DEFAULT '',
    description  text        NOT NULL DEFAULT '',
    is_system    boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Grants are permission codes or patterns: "*", "<resource>.*", "*.<action>".
CREATE TABLE role_permissions (
    role_id    uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE admin_roles (
    admin_id uuid NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    role_id  uuid NOT NULL REFERENCES roles (id),
    PRIMARY KEY (admin_id, role_id)
);
CREATE INDEX admin_roles_role ON admin_roles (role_id);

-- Refresh tokens, stored as SHA-256 of the token. Rotation keeps the family; presenting a rotated
-- or revoked token again revokes the whole family (the token was copied).
CREATE TABLE refresh_tokens (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    admin_id    uuid        NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    family_id   uuid        NOT NULL,
    token_hash  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_admin ON refresh_tokens (admin_id);

-- One row per audit event of any service; event_id makes redelivery harmless.
CREATE TABLE audit_logs (
    id          bigserial   PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    service     text        NOT NULL,
    actor_id    text        NOT NULL DEFAULT '',
    actor_name  text        NOT NULL DEFAULT '',
    action      text        NOT NULL,
    resource    text        NOT NULL,
    resource_id text        NOT NULL DEFAULT '',
    before      jsonb,
    after       jsonb,
    method      text        NOT NULL DEFAULT '',
    path        text        NOT NULL DEFAULT '',
    ip          text        NOT NULL DEFAULT '',
    trace_id    text        NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_occurred ON audit_logs (occurred_at DESC, id DESC);
CREATE INDEX audit_logs_actor ON audit_logs (actor_id, occurred_at DESC);
CREATE INDEX audit_logs_resource ON audit_logs (resource, resource_id);

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_logs_no_update_delete BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();

INSERT INTO permissions (code, name, resource, action)
SELECT code, initcap(split_part(code, '.', 2)) || ' ' || replace(split_part(code, '.', 1), '_', ' '),
       split_part(code, '.', 1), split_part(code, '.', 2)
FROM unnest(ARRAY[
    'admin.view', 'admin.manage', 'role.view', 'role.manage', 'audit.view',
    'merchant.view', 'merchant.create', 'merchant.update', 'kyc.view', 'kyc.review',
    'apikey.view', 'apikey.manage', 'limit.view', 'limit.update', 'config.view', 'config.update',
    'flag.view', 'flag.update', 'system.view', 'system.update', 'payment.view', 'payment.refund']) AS code;

INSERT INTO roles (name, display_name, description, is_system) VALUES
    ('super_admin', 'Super admin', 'Every permission', true),
    ('operator', 'Operator', 'Merchants, KYC, limits and API keys', true),
    ('support', 'Support', 'Read-only merchant, KYC and payment views', true),
    ('auditor', 'Auditor', 'Audit log and every read-only view', true);

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, g.permission
FROM roles r
JOIN (VALUES ('super_admin', '*'),
             ('operator', 'merchant.*'), ('operator', 'kyc.*'), ('operator', 'limit.*'),
             ('operator', 'apikey.*'), ('operator', 'system.view'),
             ('support', 'merchant.view'), ('support', 'kyc.view'), ('support', 'payment.view'),
             ('auditor', 'audit.view'), ('auditor', '*.view')) AS g (role, permission)
  ON g.role = r.name;
