-- +goose Up
-- The catalogue: offers, landings, traffic sources, campaigns, which partner
-- may promote which offer, and the per-install secret that signs partner links.

-- tracking_secrets holds per-install keys shared by every node (the HMAC key
-- of partner link tokens). Whoever reads this table can already read every
-- tenant's data, so the key is stored as is.
CREATE TABLE tracking_secrets (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE offers (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL,
    url          text NOT NULL,                      -- destination; may hold macros such as {click_id}
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
    payout       numeric(28, 8) NOT NULL DEFAULT 0 CHECK (payout >= 0), -- default CPA commission per approved conversion
    currency     text NOT NULL DEFAULT 'USD',
    countries    text[] NOT NULL DEFAULT '{}',       -- allowed ISO country codes; empty = all
    daily_cap    int NOT NULL DEFAULT 0 CHECK (daily_cap >= 0), -- conversions per UTC day; 0 = none
    total_cap    int NOT NULL DEFAULT 0 CHECK (total_cap >= 0),
    fallback_url text NOT NULL DEFAULT '',           -- where capped, other-country or paused traffic goes
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX offers_tenant_id_key ON offers (tenant_id, id);
CREATE INDEX offers_tenant_idx ON offers (tenant_id, created_at DESC);

CREATE TABLE landings (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       text NOT NULL,
    url        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX landings_tenant_id_key ON landings (tenant_id, id);

CREATE TABLE sources (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sources_tenant_id_key ON sources (tenant_id, id);

-- Composite foreign keys keep every reference inside its tenant.
CREATE TABLE campaigns (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL,
    offer_id     text NOT NULL,
    landing_id   text,
    source_id    text,
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
    fallback_url text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id),
    FOREIGN KEY (tenant_id, landing_id) REFERENCES landings (tenant_id, id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES sources (tenant_id, id)
);
CREATE INDEX campaigns_tenant_idx ON campaigns (tenant_id, created_at DESC);
CREATE INDEX campaigns_offer_idx ON campaigns (tenant_id, offer_id);

-- Offers are private: a partner sees and promotes only offers granted here.
CREATE TABLE partner_offers (
    tenant_id  text NOT NULL,
    partner_id text NOT NULL,
    offer_id   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_id, offer_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE partner_offers, campaigns, sources, landings, offers, tracking_secrets;
