-- KYC cases (one merchant, one target level, reviewed as a whole) and their documents.

CREATE TABLE kyc_cases (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    merchant_id   uuid        NOT NULL,
    target_level  text        NOT NULL CHECK (target_level IN ('intermediate', 'advanced', 'enterprise')),
    status        text        NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
    reason        text,
    decided_by    text,
    decided_at    timestamptz,
    approved_at   timestamptz,
    expired_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'approved' OR approved_at IS NOT NULL),
    CHECK (status <> 'rejected' OR length(btrim(coalesce(reason, ''))) > 0)
);
-- One open case per merchant: new documents join it.
CREATE UNIQUE INDEX kyc_cases_one_pending ON kyc_cases (merchant_id) WHERE status = 'pending';
CREATE INDEX kyc_cases_queue ON kyc_cases (status, created_at, id);
CREATE INDEX kyc_cases_merchant ON kyc_cases (merchant_id, created_at);
CREATE INDEX kyc_cases_expiry ON kyc_cases (approved_at) WHERE status = 'approved';

-- The file lives at <data_dir>/<storage_path>, named by its SHA-256.
CREATE TABLE kyc_documents (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id       uuid        NOT NULL REFERENCES kyc_cases (id),
    merchant_id   uuid        NOT NULL,
    document_type text        NOT NULL CHECK (document_type IN ('id_card', 'passport', 'driver_license',
                              'business_license', 'bank_statement', 'tax_cert', 'other')),
    content_type  text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'application/pdf')),
    file_name     text        NOT NULL,
    storage_path  text        NOT NULL,
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes    bigint      NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    uploaded_by   text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kyc_documents_case ON kyc_documents (case_id, created_at);
CREATE INDEX kyc_documents_merchant ON kyc_documents (merchant_id, status);
