-- +goose Up
-- Plugin registry: artifacts (deduplicated by sha256), versions (platform
-- plugins have no owner and are visible to every tenant; a tenant's uploads
-- are visible to it only), and per-tenant installations with their config
-- and sealed secrets.

CREATE TABLE plugin_artifacts (
    sha256     text PRIMARY KEY,
    wasm       bytea NOT NULL,
    size       int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plugin_versions (
    id          text PRIMARY KEY,
    owner       text REFERENCES tenants (id) ON DELETE CASCADE,   -- NULL: platform plugin
    plugin_id   text NOT NULL,
    version     text NOT NULL,
    manifest    jsonb NOT NULL,
    sha256      text NOT NULL REFERENCES plugin_artifacts (sha256),
    signed      boolean NOT NULL,
    signer_key  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX plugin_versions_key ON plugin_versions (COALESCE(owner, ''), plugin_id, version);
CREATE INDEX plugin_versions_owner_idx ON plugin_versions (owner);

CREATE TABLE plugin_installations (
    id                  text PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    plugin_id           text NOT NULL,
    version_id          text NOT NULL REFERENCES plugin_versions (id),
    previous_version_id text REFERENCES plugin_versions (id),
    enabled             boolean NOT NULL DEFAULT true,
    config              jsonb NOT NULL DEFAULT '{}',
    secrets             bytea,                         -- sealed JSON object with the master key
    secret_names        text[] NOT NULL DEFAULT '{}',
    priority            int NOT NULL DEFAULT 100,
    revision            bigint NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, plugin_id)
);

-- +goose Down
DROP TABLE plugin_installations, plugin_versions, plugin_artifacts;
