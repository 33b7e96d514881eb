-- +goose Up
-- Outgoing postbacks: partners' postback settings and the tenant's webhooks
-- (endpoints), their sealed signing secrets, and the delivery log with the
-- schedule of future attempts.

CREATE TABLE postback_endpoints (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('partner', 'webhook')),
    partner_id  text,                                  -- partner endpoints only
    offer_id    text NOT NULL DEFAULT '',              -- '' = the partner's global postback
    description text NOT NULL DEFAULT '',
    url         text NOT NULL,                         -- template with {macros}
    method      text NOT NULL CHECK (method IN ('GET', 'POST')),
    format      text NOT NULL CHECK (format IN ('url', 'json')),
    events      text[] NOT NULL DEFAULT '{}',          -- empty = every transition
    sign        boolean NOT NULL DEFAULT false,
    enabled     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK ((kind = 'partner') = (partner_id IS NOT NULL)),
    CHECK (kind = 'partner' OR offer_id = ''),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE
);
-- One global postback per partner.
CREATE UNIQUE INDEX postback_endpoints_global_key ON postback_endpoints (tenant_id, partner_id)
    WHERE kind = 'partner' AND offer_id = '';
CREATE INDEX postback_endpoints_owner_idx ON postback_endpoints (tenant_id, kind, partner_id);

-- One signing secret per partner (owner = partner id) and one for the
-- tenant's webhooks (owner = ''), sealed with the master key.
CREATE TABLE postback_secrets (
    tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    owner      text NOT NULL,
    sealed     bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, owner)
);

-- One row per logical delivery (its id is the idempotency id receivers see).
-- A delivery appears when its first attempt (or deferral) is recorded.
CREATE TABLE postback_deliveries (
    id                text PRIMARY KEY,
    tenant_id         text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('partner', 'webhook')),
    partner_id        text,                            -- the receiving partner (partner deliveries)
    endpoint_id       text NOT NULL,                   -- no FK: the log outlives deleted settings
    conversion_id     text NOT NULL DEFAULT '',
    offer_id          text NOT NULL DEFAULT '',
    event             text NOT NULL DEFAULT '',
    conversion_status text NOT NULL DEFAULT '',
    status            text NOT NULL CHECK (status IN ('queued', 'retrying', 'delivered', 'failed')),
    attempts          int NOT NULL DEFAULT 0,
    test              boolean NOT NULL DEFAULT false,
    method            text NOT NULL DEFAULT '',
    url               text NOT NULL DEFAULT '',        -- last request, secrets redacted
    last_status_code  int,
    last_error        text NOT NULL DEFAULT '',
    next_attempt_at   timestamptz,                     -- set while retrying
    job               jsonb NOT NULL,                  -- next attempt's job, for retries and replays
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    delivered_at      timestamptz,
    CHECK ((status = 'retrying') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX postback_deliveries_tenant_idx ON postback_deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX postback_deliveries_partner_idx ON postback_deliveries (tenant_id, partner_id, created_at DESC, id DESC)
    WHERE partner_id IS NOT NULL;
CREATE INDEX postback_deliveries_conversion_idx ON postback_deliveries (tenant_id, conversion_id);
CREATE INDEX postback_deliveries_due_idx ON postback_deliveries (next_attempt_at) WHERE status = 'retrying';
CREATE INDEX postback_deliveries_failed_idx ON postback_deliveries (tenant_id, updated_at DESC) WHERE status = 'failed';

-- One row per HTTP request made.
CREATE TABLE postback_attempts (
    delivery_id      text NOT NULL REFERENCES postback_deliveries (id) ON DELETE CASCADE,
    attempt          int NOT NULL,
    tenant_id        text NOT NULL,
    method           text NOT NULL,
    url              text NOT NULL,                    -- secrets redacted
    status_code      int,                              -- NULL when no HTTP answer
    error            text NOT NULL DEFAULT '',
    response_excerpt text NOT NULL DEFAULT '',         -- at most 1 KiB
    latency_us       bigint NOT NULL,
    started_at       timestamptz NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- +goose Down
DROP TABLE postback_attempts, postback_deliveries, postback_secrets, postback_endpoints;
