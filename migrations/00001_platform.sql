-- +goose Up
-- Instance-wide facts, e.g. the time the schema was first created.
CREATE TABLE platform_meta (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO platform_meta (key, value) VALUES ('created_at', now()::text);

-- +goose Down
DROP TABLE platform_meta;
