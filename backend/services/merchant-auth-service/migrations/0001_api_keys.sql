-- Merchant API keys (spec §3.1, §4.11). The secret is stored sealed with the installation's
-- master key (AES-256-GCM, bound to its key id); it is shown once and never read back out.
CREATE TABLE api_keys (
    key_id         text PRIMARY KEY,                 -- pk_test_<32 hex> / pk_live_<32 hex>, public
    merchant_id    uuid NOT NULL,
    environment    text NOT NULL CHECK (environment IN ('test', 'live')),
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    secret_sealed  bytea NOT NULL,
    label          text NOT NULL DEFAULT '',
    ip_allowlist   jsonb NOT NULL DEFAULT '[]'::jsonb,  -- canonical IPs / CIDRs; empty = any address
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz,
    last_used_at   timestamptz,
    rotated_from   text REFERENCES api_keys (key_id),
    rotated_to     text REFERENCES api_keys (key_id),
    grace_until    timestamptz,                      -- set on the old key of a rotation
    revoked_at     timestamptz,
    revoked_reason text,
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id, created_at DESC, key_id);
