-- +goose Up
-- The double-entry ledger: accounts, transactions and their entries, plus the
-- FX rates that payouts convert with. Entries are append-only; every
-- transaction sums to zero per currency (checked at commit by a deferred
-- constraint trigger); an idempotency key per tenant makes each business
-- effect happen once. Amounts are credit-positive: a positive entry adds to
-- what an account holds from the partner's point of view (partner accounts
-- are normally positive, the tenant's cost and receivable accounts negative).

CREATE TABLE ledger_accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    partner_id text NOT NULL DEFAULT '',          -- '' for conversions without a partner
    kind       text NOT NULL CHECK (kind IN (
                   'pending', 'hold', 'available', 'in_payout', 'paid', 'reversed', 'carryover', -- the partner's
                   'cost', 'revenue', 'receivable', 'fx')),                                       -- the tenant's
    currency   text NOT NULL CHECK (currency ~ '^[A-Z][A-Z0-9]{2,9}$'),
    -- balance is the running sum of the account's entries, maintained by the
    -- entry trigger in the same transaction (tests verify it against a replay).
    balance    numeric(28, 8) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, partner_id, kind, currency),
    UNIQUE (id, tenant_id, currency),
    -- Balances that must never change sign; the ledger refuses any entry that would.
    CONSTRAINT ledger_available_not_negative CHECK (kind <> 'available' OR balance >= 0),
    CONSTRAINT ledger_in_payout_not_negative CHECK (kind <> 'in_payout' OR balance >= 0),
    CONSTRAINT ledger_paid_not_negative CHECK (kind <> 'paid' OR balance >= 0),
    CONSTRAINT ledger_carryover_not_positive CHECK (kind <> 'carryover' OR balance <= 0)
);

CREATE TABLE ledger_transactions (
    id            text PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (id),
    idem_key      text NOT NULL,                  -- one business effect, e.g. conv:<id>:<seq>
    digest        text NOT NULL,                  -- hash of the requested entries: a reused key must mean the same thing
    kind          text NOT NULL,                  -- transition, release, payout_reserve, payout_paid, payout_release, bonus, adjustment, carryover
    partner_id    text NOT NULL DEFAULT '',
    conversion_id text,
    payout_id     text,
    memo          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, idem_key),
    UNIQUE (id, tenant_id)
);
CREATE INDEX ledger_transactions_conversion_idx ON ledger_transactions (tenant_id, conversion_id) WHERE conversion_id IS NOT NULL;
-- A payout is settled once: either paid or released back, never both, never twice.
CREATE UNIQUE INDEX ledger_transactions_payout_settled_key ON ledger_transactions (tenant_id, payout_id)
    WHERE kind IN ('payout_paid', 'payout_release');

CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id text NOT NULL,
    tenant_id      text NOT NULL,
    account_id     bigint NOT NULL,
    currency       text NOT NULL,
    amount         numeric(28, 8) NOT NULL CHECK (amount <> 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (transaction_id, tenant_id) REFERENCES ledger_transactions (id, tenant_id),
    FOREIGN KEY (account_id, tenant_id, currency) REFERENCES ledger_accounts (id, tenant_id, currency)
);
CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_tenant_idx ON ledger_entries (tenant_id, id DESC);

-- +goose StatementBegin
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;

-- Keeps ledger_accounts.balance equal to the sum of the account's entries.
CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id;
    RETURN NULL;
END;
$$;

-- Runs at commit: every transaction touched must sum to zero in each currency.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT currency, sum(amount) AS total INTO bad
      FROM ledger_entries WHERE transaction_id = NEW.transaction_id
     GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: % %', NEW.transaction_id, bad.total, bad.currency
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_transactions_truncate BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_apply AFTER INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- FX rates entered per day: 1 base = rate quote. Payouts record the rate they used,
-- so correcting a rate never rewrites a payout.
CREATE TABLE fx_rates (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    day        date NOT NULL,
    base       text NOT NULL CHECK (base ~ '^[A-Z][A-Z0-9]{2,9}$'),
    quote      text NOT NULL CHECK (quote ~ '^[A-Z][A-Z0-9]{2,9}$'),
    rate       numeric(38, 18) NOT NULL CHECK (rate > 0),
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, base, quote, day),
    CHECK (base <> quote)
);

-- +goose Down
DROP TABLE fx_rates;
DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP TABLE ledger_accounts;
DROP FUNCTION ledger_check_balanced();
DROP FUNCTION ledger_apply_entry();
DROP FUNCTION ledger_append_only();
