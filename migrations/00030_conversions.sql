-- +goose Up
-- Conversions (one row per tx_id, or per click + event without one), every
-- status transition (also the outbox of ConversionChanged events), and the
-- log of every incoming postback with its outcome.
CREATE TABLE conversions (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    dedupe_key      text NOT NULL,              -- 'tx:<tx_id>' or 'ev:<click_id>:<event>'
    click_id        text NOT NULL,
    clicked_at      timestamptz NOT NULL,
    campaign_id     text NOT NULL,
    offer_id        text NOT NULL,
    partner_id      text NOT NULL DEFAULT '',
    source_id       text NOT NULL DEFAULT '',
    country         text NOT NULL DEFAULT '',
    device          text NOT NULL DEFAULT '',
    sub1            text NOT NULL DEFAULT '',
    sub2            text NOT NULL DEFAULT '',
    sub3            text NOT NULL DEFAULT '',
    sub4            text NOT NULL DEFAULT '',
    sub5            text NOT NULL DEFAULT '',
    event           text NOT NULL,
    tx_id           text NOT NULL DEFAULT '',
    status          text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'hold')),
    revenue         numeric(28, 8) NOT NULL,
    currency        text NOT NULL,
    -- The offer's default payout at conversion time: what stats report as
    -- payout until the ledger's commission figures replace it.
    default_payout  numeric(28, 8) NOT NULL DEFAULT 0,
    payout_currency text NOT NULL DEFAULT 'USD',
    test            boolean NOT NULL DEFAULT false,
    fraud           boolean NOT NULL DEFAULT false,
    seq             bigint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX conversions_tenant_idx ON conversions (tenant_id, id);       -- lists, newest (largest id) first
CREATE INDEX conversions_offer_day_idx ON conversions (offer_id, created_at);

-- Each transition once; published_at is set when ConversionChanged was
-- acknowledged by the bus (the relay republishes rows left NULL).
CREATE TABLE conversion_transitions (
    conversion_id text NOT NULL REFERENCES conversions (id) ON DELETE CASCADE,
    seq           bigint NOT NULL,
    tenant_id     text NOT NULL,
    prev_status   text NOT NULL DEFAULT '',
    status        text NOT NULL,
    revenue       numeric(28, 8) NOT NULL,
    currency      text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    PRIMARY KEY (conversion_id, seq)
);
CREATE INDEX conversion_transitions_unpublished_idx ON conversion_transitions (created_at) WHERE published_at IS NULL;

-- One index: (tenant_id, id) serves the newest-first list (ids order by time).
CREATE TABLE postbacks_incoming (
    id            text NOT NULL,
    tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    received_at   timestamptz NOT NULL DEFAULT now(),
    method        text NOT NULL,
    ip            text NOT NULL DEFAULT '',
    query         text NOT NULL DEFAULT '',     -- the parameters as received, token removed
    click_id      text NOT NULL DEFAULT '',
    result        text NOT NULL,                -- created, updated, duplicate, invalid, unknown_click, forbidden_ip, error
    status_code   int NOT NULL,
    conversion_id text NOT NULL DEFAULT '',
    message       text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE postbacks_incoming, conversion_transitions, conversions;
