-- +goose Up
-- Payouts: settings (hold period, minimum, schedule, rail), partners' payout
-- methods, payout requests with their status history, batches, and the log
-- of every call to a payout rail. The money itself moves in the ledger
-- (available → in_payout → paid, or back to available).

CREATE TABLE payout_settings (
    tenant_id            text PRIMARY KEY REFERENCES tenants (id),
    hold_days            int NOT NULL DEFAULT 7 CHECK (hold_days BETWEEN 0 AND 365),
    min_payout           numeric(28, 8) NOT NULL DEFAULT 0 CHECK (min_payout >= 0),
    min_payout_currency  text NOT NULL DEFAULT 'USD',
    schedule             text NOT NULL DEFAULT 'manual' CHECK (schedule IN ('manual', 'weekly', 'monthly')),
    rail                 text NOT NULL DEFAULT 'manual',
    updated_by           text NOT NULL DEFAULT '',
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Per-partner overrides (NULL: the tenant's setting) and the partner's
-- negative-carryover policy.
CREATE TABLE partner_payout_settings (
    tenant_id          text NOT NULL,
    partner_id         text NOT NULL,
    hold_days          int CHECK (hold_days BETWEEN 0 AND 365),
    min_payout         numeric(28, 8) CHECK (min_payout >= 0),
    negative_carryover boolean NOT NULL DEFAULT false,
    updated_by         text NOT NULL DEFAULT '',
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);

-- The partner's payout method: a crypto address (network, memo/tag) or
-- bank/manual details. Payouts copy it when requested.
CREATE TABLE payout_methods (
    tenant_id  text NOT NULL,
    partner_id text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('crypto', 'bank', 'manual')),
    currency   text NOT NULL CHECK (currency ~ '^[A-Z][A-Z0-9]{2,9}$'),
    network    text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    memo       text NOT NULL DEFAULT '',
    details    jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);

CREATE TABLE payout_batches (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    key        text NOT NULL,                      -- idempotency of creation (e.g. a schedule window)
    created_by text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key),
    UNIQUE (id, tenant_id)
);

CREATE TABLE payouts (
    id                    text PRIMARY KEY,
    tenant_id             text NOT NULL,
    partner_id            text NOT NULL,
    status                text NOT NULL CHECK (status IN ('requested', 'approved', 'sending', 'paid', 'failed', 'cancelled')),
    source_amount         numeric(28, 8) NOT NULL CHECK (source_amount > 0),  -- taken from available, in source_currency
    source_currency       text NOT NULL,
    amount                numeric(28, 8) NOT NULL CHECK (amount > 0),         -- sent, in the method's currency
    currency              text NOT NULL,
    fx_rate               text NOT NULL DEFAULT '',
    fx_day                date,
    method                jsonb NOT NULL,
    rail                  text NOT NULL,
    request_key           text NOT NULL,
    batch_id              text,
    requested_by_kind     text NOT NULL,
    requested_by          text NOT NULL,
    approved_by           text NOT NULL DEFAULT '',
    approved_at           timestamptz,
    sent_at               timestamptz,
    paid_at               timestamptz,
    failed_at             timestamptz,
    cancelled_at          timestamptz,
    reference             text NOT NULL DEFAULT '',
    rail_tx_id            text NOT NULL DEFAULT '',
    failure_reason        text NOT NULL DEFAULT '',
    attempts              int NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz,
    lease_until           timestamptz,
    awaiting_confirmation boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, request_key),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (batch_id, tenant_id) REFERENCES payout_batches (id, tenant_id)
);
CREATE INDEX payouts_tenant_idx ON payouts (tenant_id, created_at DESC, id DESC);
CREATE INDEX payouts_partner_idx ON payouts (tenant_id, partner_id, created_at DESC);
CREATE INDEX payouts_due_idx ON payouts (next_attempt_at)
    WHERE status IN ('approved', 'sending') AND NOT awaiting_confirmation;

-- Every status a payout went through, append-only.
CREATE TABLE payout_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  text NOT NULL,
    payout_id  text NOT NULL REFERENCES payouts (id),
    status     text NOT NULL,
    actor_kind text NOT NULL,
    actor_id   text NOT NULL,
    detail     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payout_history_payout_idx ON payout_history (payout_id, id);

-- Every call to a payout rail, with the idempotency key it carried.
CREATE TABLE payout_rail_calls (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       text NOT NULL,
    payout_id       text NOT NULL REFERENCES payouts (id),
    rail            text NOT NULL,
    idempotency_key text NOT NULL,
    attempt         int NOT NULL,
    result          text NOT NULL,              -- pending, paid, failed, error
    detail          text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payout_rail_calls_payout_idx ON payout_rail_calls (payout_id, id);

CREATE TRIGGER payout_history_append_only BEFORE UPDATE OR DELETE ON payout_history
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER payout_rail_calls_append_only BEFORE UPDATE OR DELETE ON payout_rail_calls
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- +goose Down
DROP TABLE payout_rail_calls, payout_history, payouts, payout_batches, payout_methods,
    partner_payout_settings, payout_settings;
