-- +goose Up
-- Clicks, partitioned by UTC day. Ingest creates a day's partition on first
-- use (click_partition) and the maintenance worker creates the next days
-- ahead. The primary key includes the partition key; a click id encodes its
-- time, so a redelivered click always lands on the same row.
CREATE TABLE clicks (
    id          text NOT NULL,
    clicked_at  timestamptz NOT NULL,
    tenant_id   text NOT NULL,
    campaign_id text NOT NULL,
    offer_id    text NOT NULL,
    partner_id  text NOT NULL DEFAULT '',
    source_id   text NOT NULL DEFAULT '',
    landing_id  text NOT NULL DEFAULT '',
    ip          inet,
    user_agent  text NOT NULL DEFAULT '',
    device      text NOT NULL DEFAULT '',
    os          text NOT NULL DEFAULT '',
    browser     text NOT NULL DEFAULT '',
    country     text NOT NULL DEFAULT '',
    region      text NOT NULL DEFAULT '',
    city        text NOT NULL DEFAULT '',
    asn         bigint NOT NULL DEFAULT 0,
    referrer    text NOT NULL DEFAULT '',
    sub1        text NOT NULL DEFAULT '',
    sub2        text NOT NULL DEFAULT '',
    sub3        text NOT NULL DEFAULT '',
    sub4        text NOT NULL DEFAULT '',
    sub5        text NOT NULL DEFAULT '',
    gclid       text NOT NULL DEFAULT '',
    fbclid      text NOT NULL DEFAULT '',
    ttclid      text NOT NULL DEFAULT '',
    params      jsonb NOT NULL DEFAULT '{}',
    route       text NOT NULL DEFAULT 'offer',  -- offer, or why the fallback URL was used
    score       smallint NOT NULL DEFAULT 100,  -- quality 0–100 (100 clean); fraud when <= 20
    fraud       boolean NOT NULL DEFAULT false,
    is_unique   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, clicked_at)
) PARTITION BY RANGE (clicked_at);

-- click_partition creates the partition holding day d unless it exists.
-- +goose StatementBegin
CREATE FUNCTION click_partition(d date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    name text := 'clicks_' || to_char(d, 'YYYYMMDD');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
        name, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
EXCEPTION WHEN duplicate_table OR unique_violation THEN
    NULL; -- another node created it at the same moment
END;
$$;
-- +goose StatementEnd

-- click_uniques remembers, per campaign and IP, when the current 24-hour
-- uniqueness window started. Ingest decides a click's uniqueness against it
-- in the same transaction that inserts the click.
CREATE TABLE click_uniques (
    campaign_id  text NOT NULL,
    ip           inet NOT NULL,
    window_start timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, ip)
);
CREATE INDEX click_uniques_window_idx ON click_uniques (window_start);

-- Hourly click rollups that the stats API reads. Ingest adds only clicks it
-- inserted, in the same transaction, so a redelivered click is never counted twice.
CREATE TABLE click_stats_hourly (
    tenant_id     text NOT NULL,
    hour          timestamptz NOT NULL,
    campaign_id   text NOT NULL,
    offer_id      text NOT NULL,
    partner_id    text NOT NULL,
    source_id     text NOT NULL,
    country       text NOT NULL,
    device        text NOT NULL,
    clicks        bigint NOT NULL,
    unique_clicks bigint NOT NULL,
    fraud_clicks  bigint NOT NULL,
    PRIMARY KEY (tenant_id, hour, campaign_id, offer_id, partner_id, source_id, country, device)
);

-- +goose Down
DROP TABLE click_stats_hourly, click_uniques, clicks;
DROP FUNCTION click_partition(date);
