package postgres

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/event"
)

// ClickStore writes and reads clicks, loads the click path's snapshot and
// keeps the click partitions.
type ClickStore struct {
	db    *DB
	parts sync.Map // day (YYYY-MM-DD) → struct{}: partitions known to exist
}

// NewClickStore returns the click store.
func NewClickStore(db *DB) *ClickStore { return &ClickStore{db: db} }

// Interface guards.
var (
	_ click.Writer         = (*ClickStore)(nil)
	_ click.Reader         = (*ClickStore)(nil)
	_ click.SnapshotLoader = (*ClickStore)(nil)
)

// stageCols are the columns COPY fills, in clickRow order.
var stageCols = []string{"id", "clicked_at", "tenant_id", "campaign_id", "offer_id", "partner_id", "source_id", "landing_id",
	"ip", "user_agent", "device", "os", "browser", "country", "region", "city", "asn", "referrer",
	"sub1", "sub2", "sub3", "sub4", "sub5", "gclid", "fbclid", "ttclid", "params", "route", "score", "fraud"}

// The staging table is LIKE clicks, so INSERT ... SELECT * needs stageCols
// plus is_unique to be every column of clicks in table order.

func clickRow(c *event.Click) []any {
	var ip any
	if a, err := netip.ParseAddr(c.IP); err == nil {
		ip = a
	}
	params := json.RawMessage("{}")
	if len(c.Params) > 0 {
		params, _ = json.Marshal(c.Params)
	}
	return []any{c.ID, c.At, string(c.TenantID), c.CampaignID, c.OfferID, c.PartnerID, c.SourceID, c.LandingID,
		ip, c.UserAgent, c.Device, c.OS, c.Browser, c.Country, c.Region, c.City, int64(c.ASN), c.Referrer,
		c.Subs[0], c.Subs[1], c.Subs[2], c.Subs[3], c.Subs[4], c.GCLID, c.FBCLID, c.TTCLID, params, c.Route,
		int16(c.Score), c.Fraud}
}

// uniquesSQL decides uniqueness: for each campaign + IP, the batch's first
// click opens a new 24-hour window unless one is open. It returns the
// ordinal (1-based) of each first click that opened a window. Rows are
// upserted in key order so concurrent batches lock them in the same order.
const uniquesSQL = `
WITH src AS (
    SELECT * FROM unnest($1::text[], $2::inet[], $3::timestamptz[]) WITH ORDINALITY AS s(campaign_id, ip, at, n)
), up AS (
    INSERT INTO click_uniques AS u (campaign_id, ip, window_start)
    SELECT campaign_id, ip, at FROM src ORDER BY campaign_id, ip
    ON CONFLICT (campaign_id, ip) DO UPDATE SET window_start = excluded.window_start
    WHERE u.window_start <= excluded.window_start - interval '24 hours'
    RETURNING campaign_id, ip
)
SELECT src.n FROM src JOIN up ON up.campaign_id = src.campaign_id AND up.ip = src.ip`

// ingestSQL moves the staged batch into clicks, skipping clicks already
// stored (a redelivery), and adds only the inserted clicks to the hourly
// rollups, in key order.
const ingestSQL = `
WITH ins AS (
    INSERT INTO clicks SELECT * FROM click_stage ON CONFLICT DO NOTHING
    RETURNING tenant_id, clicked_at, campaign_id, offer_id, partner_id, source_id, country, device, is_unique, fraud
)
INSERT INTO click_stats_hourly AS r (tenant_id, hour, campaign_id, offer_id, partner_id, source_id, country, device,
    clicks, unique_clicks, fraud_clicks)
SELECT tenant_id, date_trunc('hour', clicked_at), campaign_id, offer_id, partner_id, source_id, country, device,
    count(*), count(*) FILTER (WHERE is_unique), count(*) FILTER (WHERE fraud)
FROM ins GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
ON CONFLICT (tenant_id, hour, campaign_id, offer_id, partner_id, source_id, country, device) DO UPDATE SET
    clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks,
    fraud_clicks = r.fraud_clicks + excluded.fraud_clicks`

// WriteClicks implements click.Writer in one transaction: decide uniqueness
// (uniquesSQL), COPY into a per-connection staging table, then ingestSQL.
// A deadlock or serialization failure is retried.
func (s *ClickStore) WriteClicks(ctx context.Context, clicks []event.Click) error {
	if len(clicks) == 0 {
		return nil
	}
	if err := s.ensureDays(ctx, clicks); err != nil {
		return err
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.db.InTx(ctx, func(tx pgx.Tx) error { return writeBatch(ctx, tx, clicks) }); !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("write %d clicks: %w", len(clicks), err)
	}
	return nil
}

func writeBatch(ctx context.Context, tx pgx.Tx, clicks []event.Click) error {
	unique, err := uniques(ctx, tx, clicks)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS click_stage (LIKE clicks INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`); err != nil {
		return err
	}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(clicks) {
			return nil, nil
		}
		i++
		return append(clickRow(&clicks[i-1]), unique[i-1]), nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"click_stage"}, append(stageCols, "is_unique"), src); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, ingestSQL)
	return err
}

// uniques returns, per click of the batch, whether it opened a uniqueness
// window. Only each campaign + IP's earliest click in the batch can. A
// redelivered click cannot reopen its own window (windows only move forward
// and it was inside one when first stored), and its row is skipped anyway.
func uniques(ctx context.Context, tx pgx.Tx, clicks []event.Click) ([]bool, error) {
	type key struct{ campaign, ip string }
	first := make(map[key]int, len(clicks))
	for i := range clicks {
		c := &clicks[i]
		if c.IP == "" {
			continue
		}
		k := key{c.CampaignID, c.IP}
		if j, ok := first[k]; !ok || c.At.Before(clicks[j].At) || (c.At.Equal(clicks[j].At) && c.ID < clicks[j].ID) {
			first[k] = i
		}
	}
	idx := make([]int, 0, len(first))
	campaigns, ips, ats := make([]string, 0, len(first)), make([]netip.Addr, 0, len(first)), make([]time.Time, 0, len(first))
	for _, i := range first {
		ip, err := netip.ParseAddr(clicks[i].IP)
		if err != nil {
			continue
		}
		idx = append(idx, i)
		campaigns, ips, ats = append(campaigns, clicks[i].CampaignID), append(ips, ip), append(ats, clicks[i].At)
	}
	out := make([]bool, len(clicks))
	rows, err := tx.Query(ctx, uniquesSQL, campaigns, ips, ats)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[idx[n-1]] = true
	}
	return out, rows.Err()
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// ensureDays creates the partitions of the batch's days unless known.
func (s *ClickStore) ensureDays(ctx context.Context, clicks []event.Click) error {
	for i := range clicks {
		if err := s.ensureDay(ctx, clicks[i].At); err != nil {
			return err
		}
	}
	return nil
}

func (s *ClickStore) ensureDay(ctx context.Context, t time.Time) error {
	day := t.UTC().Format(time.DateOnly)
	if _, ok := s.parts.Load(day); ok {
		return nil
	}
	if _, err := s.db.Pool.Exec(ctx, `SELECT click_partition($1::date)`, day); err != nil {
		return fmt.Errorf("click partition %s: %w", day, err)
	}
	s.parts.Store(day, struct{}{})
	return nil
}

// EnsurePartitions creates the click partitions of days days from from.
func (s *ClickStore) EnsurePartitions(ctx context.Context, from time.Time, days int) error {
	for d := range days {
		if err := s.ensureDay(ctx, from.AddDate(0, 0, d)); err != nil {
			return err
		}
	}
	return nil
}

// PruneUniques forgets uniqueness windows that started before before.
func (s *ClickStore) PruneUniques(ctx context.Context, before time.Time) error {
	_, err := s.db.Pool.Exec(ctx, `DELETE FROM click_uniques WHERE window_start < $1`, before)
	return err
}

// Click implements click.Reader. The id tells the click's time, so only one
// partition is read.
func (s *ClickStore) Click(ctx context.Context, tenant core.TenantID, id string) (event.Click, error) {
	at, ok := core.IDTime(id)
	if !ok {
		return event.Click{}, core.Errorf(core.KindNotFound, "click not found")
	}
	var c event.Click
	var ip *netip.Addr
	var asn int64
	var score int16
	err := s.db.Pool.QueryRow(ctx, `SELECT id, clicked_at, tenant_id, campaign_id, offer_id, partner_id, source_id, landing_id,
		ip, user_agent, device, os, browser, country, region, city, asn, referrer, sub1, sub2, sub3, sub4, sub5,
		gclid, fbclid, ttclid, params, route, score, fraud FROM clicks WHERE id=$1 AND clicked_at=$2 AND tenant_id=$3`, id, at, tenant).
		Scan(&c.ID, &c.At, &c.TenantID, &c.CampaignID, &c.OfferID, &c.PartnerID, &c.SourceID, &c.LandingID, &ip,
			&c.UserAgent, &c.Device, &c.OS, &c.Browser, &c.Country, &c.Region, &c.City, &asn, &c.Referrer,
			&c.Subs[0], &c.Subs[1], &c.Subs[2], &c.Subs[3], &c.Subs[4], &c.GCLID, &c.FBCLID, &c.TTCLID, &c.Params,
			&c.Route, &score, &c.Fraud)
	if err != nil {
		return event.Click{}, translate(err, "click")
	}
	if ip != nil {
		c.IP = ip.String()
	}
	c.ASN, c.Score = uint32(asn), int(score)
	return c, nil
}

// LinkKey returns the per-install key that signs partner link tokens,
// creating it on first use. Every node reads the same key.
func (s *ClickStore) LinkKey(ctx context.Context) ([]byte, error) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if _, err := s.db.Pool.Exec(ctx, `INSERT INTO tracking_secrets (name, secret) VALUES ('link_hmac', $1) ON CONFLICT DO NOTHING`, key); err != nil {
		return nil, fmt.Errorf("link key: %w", err)
	}
	err := s.db.Pool.QueryRow(ctx, `SELECT secret FROM tracking_secrets WHERE name='link_hmac'`).Scan(&key)
	return key, err
}
