-- +goose Up
-- Commission terms (who earns what), the commission state of every
-- conversion, the transitions decided (republished verbatim on redelivery),
-- and period closes. The conversion_commissions view is the stable read model
-- that stats and reports use for commission figures.

-- Terms attach to a partner, an offer or a campaign (or a partner on one offer
-- or campaign). Rows are immutable apart from ending them: a change is a new
-- row, so a change never rewrites a commission decided under the old one.
CREATE TABLE commission_terms (
    id             text PRIMARY KEY,
    tenant_id      text NOT NULL REFERENCES tenants (id),
    partner_id     text,
    offer_id       text,
    campaign_id    text,
    model          text NOT NULL CHECK (model ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    params         jsonb NOT NULL DEFAULT '{}',
    effective_from timestamptz NOT NULL,
    effective_to   timestamptz,
    created_by     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    CHECK (num_nonnulls(partner_id, offer_id, campaign_id) >= 1),
    CHECK (offer_id IS NULL OR campaign_id IS NULL),
    CHECK (effective_to IS NULL OR effective_to >= effective_from)  -- equal: ended before it began
);
CREATE INDEX commission_terms_lookup_idx ON commission_terms (tenant_id, partner_id, offer_id, campaign_id, effective_from DESC);

-- +goose StatementBegin
CREATE FUNCTION commission_terms_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'commission terms are never deleted; end them instead';
    END IF;
    IF OLD.effective_to IS NOT NULL
       OR (NEW.id, NEW.tenant_id, NEW.partner_id, NEW.offer_id, NEW.campaign_id, NEW.model, NEW.params, NEW.effective_from, NEW.created_by, NEW.created_at)
          IS DISTINCT FROM
          (OLD.id, OLD.tenant_id, OLD.partner_id, OLD.offer_id, OLD.campaign_id, OLD.model, OLD.params, OLD.effective_from, OLD.created_by, OLD.created_at) THEN
        RAISE EXCEPTION 'commission terms are immutable; only an open end date may be set once';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER commission_terms_no_change BEFORE UPDATE OR DELETE ON commission_terms
    FOR EACH ROW EXECUTE FUNCTION commission_terms_immutable();

-- The commission state of each conversion the ledger has seen.
CREATE TABLE commission_conversions (
    tenant_id          text NOT NULL REFERENCES tenants (id),
    conversion_id      text NOT NULL,
    partner_id         text NOT NULL DEFAULT '',
    offer_id           text NOT NULL DEFAULT '',
    campaign_id        text NOT NULL DEFAULT '',
    event              text NOT NULL DEFAULT '',
    status             text NOT NULL,               -- the conversion's status as last seen
    state              text NOT NULL CHECK (state IN ('none', 'pending', 'hold', 'available', 'reversed')),
    last_seq           bigint NOT NULL,
    test               boolean NOT NULL DEFAULT false,
    fraud              boolean NOT NULL DEFAULT false,
    revenue            numeric(28, 8) NOT NULL DEFAULT 0,
    revenue_currency   text NOT NULL DEFAULT '',
    revenue_booked     numeric(28, 8) NOT NULL DEFAULT 0,  -- revenue recognised in the ledger now
    terms_id           text NOT NULL DEFAULT '',           -- '' = the offer's default payout
    terms_scope        text NOT NULL DEFAULT '',           -- partner, offer, campaign, partner_offer, partner_campaign, offer_default
    terms_model        text NOT NULL DEFAULT '',
    terms_params       jsonb NOT NULL DEFAULT '{}',        -- snapshot used for every later transition
    period             date,                               -- month (first day) the commission was approved in
    approved_at        timestamptz,
    hold_until         timestamptz,
    occurred_at        timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, conversion_id)
);
CREATE INDEX commission_conversions_due_idx ON commission_conversions (hold_until) WHERE state = 'hold';
CREATE INDEX commission_conversions_period_idx ON commission_conversions (tenant_id, partner_id, period)
    WHERE state IN ('hold', 'available');

-- The commission a conversion carries, per currency (a hybrid deal may pay in two).
CREATE TABLE commission_lines (
    tenant_id     text NOT NULL,
    conversion_id text NOT NULL,
    currency      text NOT NULL,
    amount        numeric(28, 8) NOT NULL,
    PRIMARY KEY (tenant_id, conversion_id, currency),
    FOREIGN KEY (tenant_id, conversion_id) REFERENCES commission_conversions (tenant_id, conversion_id)
);

-- Every transition decided, with the CommissionDecided payload published for it.
CREATE TABLE commission_transitions (
    tenant_id     text NOT NULL,
    conversion_id text NOT NULL,
    seq           bigint NOT NULL,
    status        text NOT NULL,
    moved         boolean NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, conversion_id, seq)
);

-- Period closes: one row per partner and currency closed, and one per period
-- once every partner of the tenant is closed.
CREATE TABLE commission_period_closes (
    tenant_id  text NOT NULL,
    period     date NOT NULL,
    partner_id text NOT NULL,
    currency   text NOT NULL,
    summary    jsonb NOT NULL DEFAULT '{}',
    closed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, period, partner_id, currency)
);
CREATE TABLE commission_periods (
    tenant_id text NOT NULL REFERENCES tenants (id),
    period    date NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    closed_by text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, period)
);

-- conversion_commissions: the partner's commission per conversion and
-- currency, the figure stats show as "payout". commission is what the partner
-- currently earns from the conversion (0 once it is reversed); state says
-- where it stands. Test and fraud-flagged conversions have no rows: they
-- never carry money. The ledger reconciles with this view to the 10^-8
-- (GET /api/v1/ledger/reconciliation).
CREATE VIEW conversion_commissions AS
SELECT c.tenant_id, c.conversion_id, c.partner_id, c.offer_id, c.campaign_id, c.event,
       c.status, c.state, l.currency,
       CASE WHEN c.state IN ('pending', 'hold', 'available') THEN l.amount ELSE 0 END::numeric(28, 8) AS commission,
       l.amount AS decided, c.revenue, c.revenue_currency, c.period, c.approved_at, c.hold_until,
       c.occurred_at, c.updated_at
FROM commission_conversions c
JOIN commission_lines l ON l.tenant_id = c.tenant_id AND l.conversion_id = c.conversion_id;

-- +goose Down
DROP VIEW conversion_commissions;
DROP TABLE commission_periods, commission_period_closes, commission_transitions, commission_lines,
    commission_conversions, commission_terms;
DROP FUNCTION commission_terms_immutable();
