-- +goose Up
-- Every ingest batch upserts one click_uniques row per new campaign + IP;
-- an index on window_start doubled that write work to speed up only the
-- hourly clean-up of expired windows, which can afford a sequential scan.
DROP INDEX IF EXISTS click_uniques_window_idx;

-- +goose Down
CREATE INDEX click_uniques_window_idx ON click_uniques (window_start);
