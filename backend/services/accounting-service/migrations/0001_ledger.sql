-- accounting-service: a double-entry ledger. Accounts (chart in README.md), journal entries made of
-- lines, a cached balance per account, the merchants' fee tiers, and events that could not post.

-- One account per (type, merchant | channel | -, currency); `code` spells that key.
CREATE TABLE ledger_accounts (
    id          bigserial   PRIMARY KEY,
    code        text        NOT NULL UNIQUE,
    type        text        NOT NULL
                CHECK (type IN ('merchant_payable', 'channel_clearing', 'fee_revenue', 'channel_fee_expense')),
    merchant_id text        CHECK (length(merchant_id) BETWEEN 1 AND 64),
    channel     text        CHECK (length(channel) BETWEEN 1 AND 64),
    currency    char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    normal_side text        NOT NULL CHECK (normal_side IN ('debit', 'credit')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, currency) -- target of entry_lines' (account_id, currency): a line is in its account's currency
);
CREATE INDEX ledger_accounts_merchant ON ledger_accounts (merchant_id, currency) WHERE merchant_id IS NOT NULL;

-- The cache: totals and the normal-side balance, updated in the same transaction as the lines
-- (UPDATE … locks the row). POST /internal/v1/ledger/verify recomputes it from the lines.
CREATE TABLE ledger_balances (
    account_id    bigint      PRIMARY KEY REFERENCES ledger_accounts (id),
    debit_minor   bigint      NOT NULL DEFAULT 0,
    credit_minor  bigint      NOT NULL DEFAULT 0,
    balance_minor bigint      NOT NULL DEFAULT 0,
    line_count    bigint      NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE journal_entries (
    id                bigserial   PRIMARY KEY,
    entry_no          text        NOT NULL UNIQUE,
    kind              text        NOT NULL CHECK (kind IN ('payment_capture', 'refund', 'reversal')),
    source_event_id   uuid        UNIQUE, -- the payment.events event: an event never posts twice
    reverses_entry_id bigint      UNIQUE REFERENCES journal_entries (id), -- an entry is reversed at most once
    payment_no        text,
    refund_no         text,
    merchant_id       text,
    currency          char(3)     NOT NULL,
    channel           text,
    amount_minor      bigint      NOT NULL DEFAULT 0,  -- A or R, for reading
    merchant_fee_minor bigint     NOT NULL DEFAULT 0,  -- Fm
    fee_rate_bp       integer,                         -- the tier rate Fm was computed with
    description       text,
    occurred_at       timestamptz,                     -- the event's time
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'reversal' OR source_event_id IS NOT NULL),
    CHECK ((kind = 'reversal') = (reverses_entry_id IS NOT NULL))
);
CREATE INDEX journal_entries_merchant ON journal_entries (merchant_id, created_at DESC);
CREATE INDEX journal_entries_payment ON journal_entries (payment_no);
-- One capture per payment and one posting per refund, even if the producer announced the same
-- fact twice under two event ids.
CREATE UNIQUE INDEX journal_entries_one_capture ON journal_entries (payment_no) WHERE kind = 'payment_capture';
CREATE UNIQUE INDEX journal_entries_one_refund ON journal_entries (refund_no) WHERE kind = 'refund';
CREATE INDEX journal_entries_created ON journal_entries (created_at DESC, id DESC);

CREATE TABLE entry_lines (
    id           bigserial PRIMARY KEY,
    entry_id     bigint    NOT NULL REFERENCES journal_entries (id),
    line_no      integer   NOT NULL,
    account_id   bigint    NOT NULL,
    currency     char(3)   NOT NULL,
    debit_minor  bigint    NOT NULL DEFAULT 0 CHECK (debit_minor >= 0),
    credit_minor bigint    NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
    CHECK ((debit_minor > 0) <> (credit_minor > 0)), -- exactly one side per line
    UNIQUE (entry_id, line_no),
    FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
);
CREATE INDEX entry_lines_account ON entry_lines (account_id);

-- Every entry balances per currency, checked at commit (DEFERRABLE INITIALLY DEFERRED): the lines
-- of an entry are inserted one by one, so only the finished entry can be judged.
CREATE FUNCTION ledger_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry bigint;
    bad   record;
BEGIN
    IF TG_TABLE_NAME = 'journal_entries' THEN
        entry := NEW.id;
    ELSE
        entry := NEW.entry_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM entry_lines WHERE entry_id = entry) THEN
        RAISE EXCEPTION 'journal entry % has no lines', entry USING ERRCODE = 'check_violation';
    END IF;
    SELECT l.currency, sum(l.debit_minor) AS debit, sum(l.credit_minor) AS credit INTO bad
      FROM entry_lines l WHERE l.entry_id = entry
     GROUP BY l.currency HAVING sum(l.debit_minor) <> sum(l.credit_minor) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance in %: debit % credit %',
            entry, bad.currency, bad.debit, bad.credit USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
CREATE CONSTRAINT TRIGGER entry_lines_balanced AFTER INSERT ON entry_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();

-- The journal is append-only: corrections are reversal entries.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (post a reversal entry instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER entry_lines_immutable BEFORE UPDATE OR DELETE ON entry_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER entry_lines_no_truncate BEFORE TRUNCATE ON entry_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- The merchant's tier from merchant.events; decides the merchant fee rate (unknown → starter).
CREATE TABLE merchant_tiers (
    merchant_id text        PRIMARY KEY CHECK (length(merchant_id) BETWEEN 1 AND 64),
    tier        text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- payment.events that moved money but could not be posted (malformed payload): kept for operators
-- instead of blocking the topic; `unposted_events` in the verify answer counts them.
CREATE TABLE unposted_events (
    event_id    uuid        PRIMARY KEY,
    event_type  text        NOT NULL,
    reason      text        NOT NULL,
    payload     jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
