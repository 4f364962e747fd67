-- Merchant master data, its status history and settlement bank accounts.

CREATE TABLE merchants (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text        NOT NULL,
    email         text        NOT NULL,
    phone         text,
    company_name  text,
    business_type text        NOT NULL CHECK (business_type IN ('individual', 'company')),
    country       text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    website       text,
    tier          text        NOT NULL DEFAULT 'starter'
                  CHECK (tier IN ('starter', 'business', 'enterprise', 'premium')),
    status        text        NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'active', 'suspended', 'rejected')),
    kyc_status    text        NOT NULL DEFAULT 'none'
                  CHECK (kyc_status IN ('none', 'pending', 'verified', 'rejected', 'expired')),
    kyc_level     text        NOT NULL DEFAULT 'basic',
    is_test_mode  boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- One merchant per mailbox, whatever the case the address was typed in.
CREATE UNIQUE INDEX merchants_email_unique ON merchants (lower(email));
CREATE INDEX merchants_listing ON merchants (created_at DESC, id);

-- Every status change with its reason and who made it; from_status is NULL for the creation.
CREATE TABLE merchant_status_history (
    id          bigserial   PRIMARY KEY,
    merchant_id uuid        NOT NULL REFERENCES merchants (id),
    from_status text,
    to_status   text        NOT NULL,
    reason      text        NOT NULL CHECK (length(btrim(reason)) > 0),
    actor       text        NOT NULL,
    forced      boolean     NOT NULL DEFAULT false,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX merchant_status_history_merchant ON merchant_status_history (merchant_id, id);

-- Settlement accounts. The account number (IBAN or domestic number) is stored only encrypted
-- (AES-256-GCM with the installation's master key); the mask is kept for display.
CREATE TABLE merchant_bank_accounts (
    id                       uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    merchant_id              uuid        NOT NULL REFERENCES merchants (id),
    account_holder           text        NOT NULL,
    scheme                   text        NOT NULL CHECK (scheme IN ('iban', 'domestic')),
    account_number_encrypted bytea       NOT NULL,
    account_number_masked    text        NOT NULL,
    bank_code                text,
    currency                 text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    is_default               boolean     NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CHECK (scheme = 'iban' OR bank_code IS NOT NULL)
);
CREATE INDEX merchant_bank_accounts_merchant ON merchant_bank_accounts (merchant_id, created_at);
-- At most one default account per merchant.
CREATE UNIQUE INDEX merchant_bank_accounts_one_default ON merchant_bank_accounts (merchant_id) WHERE is_default;
