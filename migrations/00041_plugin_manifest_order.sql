-- Manifests are kept as written (json, not jsonb): the marketplace renders a
-- plugin's config form in the order its author listed the properties, and
-- jsonb reorders object keys.
-- +goose Up
ALTER TABLE plugin_versions ALTER COLUMN manifest TYPE json USING manifest::text::json;

-- +goose Down
ALTER TABLE plugin_versions ALTER COLUMN manifest TYPE jsonb USING manifest::jsonb;
