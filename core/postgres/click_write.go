package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/affcore/affcore/core/event"
)

// Ingest writes each fetched set of stream messages in one transaction,
// idempotently per message. The fast path relies on a message being stored
// whole or not at all: a message whose first click is already in clicks was
// written before (a redelivery) and is skipped; the others are COPied
// straight into clicks and their rollups computed here. Should a click turn
// up again in another message (which the click path never does), COPY hits
// the primary key and the transaction is redone on the slow path, which
// stages the clicks and inserts them ON CONFLICT DO NOTHING.

// WriteClicks implements click.Writer: groups are the clicks of one stream
// message each. A deadlock or serialization failure is retried.
func (s *ClickStore) WriteClicks(ctx context.Context, groups [][]event.Click) error {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	clicks := make([]event.Click, 0, n)
	for _, g := range groups {
		clicks = append(clicks, g...)
	}
	if len(clicks) == 0 {
		return nil
	}
	if err := s.ensureDays(ctx, clicks); err != nil {
		return err
	}
	fast := true
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if fast {
			err = s.db.InTx(ctx, func(tx pgx.Tx) error { return copyNew(ctx, tx, groups, clicks) })
		} else {
			err = s.db.InTx(ctx, func(tx pgx.Tx) error { return insertStaged(ctx, tx, clicks) })
		}
		if fast && isUniqueViolation(err) {
			fast = false
			continue
		}
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("write %d clicks: %w", len(clicks), err)
	}
	return nil
}

// copyNew is the fast path: skip the messages already written, COPY the
// rest into clicks, add their rollups. all is every click of the groups.
func copyNew(ctx context.Context, tx pgx.Tx, groups [][]event.Click, all []event.Click) error {
	clicks, err := unwritten(ctx, tx, groups, all)
	if err != nil || len(clicks) == 0 {
		return err
	}
	unique, err := uniques(ctx, tx, clicks)
	if err != nil {
		return err
	}
	if err := copyClicks(ctx, tx, "clicks", clicks, unique); err != nil {
		return err
	}
	return addRollups(ctx, tx, clicks, unique)
}

// unwritten returns the clicks of the groups whose first click is not
// stored yet: all (every click of the groups) when none is.
func unwritten(ctx context.Context, tx pgx.Tx, groups [][]event.Click, all []event.Click) ([]event.Click, error) {
	ids, ats := make([]string, 0, len(groups)), make([]time.Time, 0, len(groups))
	for _, g := range groups {
		if len(g) > 0 {
			ids, ats = append(ids, g[0].ID), append(ats, g[0].At)
		}
	}
	// The time range prunes partitions; id = ANY probes each one's primary
	// key once per id (a join on unnest() would scan them, and = ANY on both
	// columns would probe every pair).
	rows, err := tx.Query(ctx, `SELECT id FROM clicks WHERE clicked_at BETWEEN $2 AND $3 AND id = ANY($1)`,
		ids, slices.MinFunc(ats, time.Time.Compare), slices.MaxFunc(ats, time.Time.Compare))
	if err != nil {
		return nil, err
	}
	written, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	if len(written) == 0 {
		return all, nil
	}
	skip := make(map[string]bool, len(written))
	for _, id := range written {
		skip[id] = true
	}
	var out []event.Click
	for _, g := range groups {
		if len(g) > 0 && !skip[g[0].ID] {
			out = append(out, g...)
		}
	}
	return out, nil
}

// rollupKey is one row of click_stats_hourly.
type rollupKey struct {
	tenant                                            string
	hour                                              time.Time
	campaign, offer, partner, source, country, device string
}

// addRollupsSQL adds counts to the hourly rollups, rows in key order so
// that concurrent transactions lock them in the same order.
const addRollupsSQL = `
INSERT INTO click_stats_hourly AS r (tenant_id, hour, campaign_id, offer_id, partner_id, source_id, country, device,
    clicks, unique_clicks, fraud_clicks)
SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::bigint[], $10::bigint[], $11::bigint[])
ON CONFLICT (tenant_id, hour, campaign_id, offer_id, partner_id, source_id, country, device) DO UPDATE SET
    clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks,
    fraud_clicks = r.fraud_clicks + excluded.fraud_clicks`

// addRollups counts the new clicks per rollup row and adds them.
func addRollups(ctx context.Context, tx pgx.Tx, clicks []event.Click, unique []bool) error {
	counts := map[rollupKey]*[3]int64{}
	for i := range clicks {
		c := &clicks[i]
		k := rollupKey{string(c.TenantID), c.At.UTC().Truncate(time.Hour), c.CampaignID, c.OfferID, c.PartnerID, c.SourceID, c.Country, c.Device}
		n := counts[k]
		if n == nil {
			n = new([3]int64)
			counts[k] = n
		}
		n[0]++
		if unique[i] {
			n[1]++
		}
		if c.Fraud {
			n[2]++
		}
	}
	keys := make([]rollupKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareRollupKeys)
	var a rollupArrays
	for _, k := range keys {
		a.add(k, counts[k])
	}
	_, err := tx.Exec(ctx, addRollupsSQL, a.tenant, a.hour, a.campaign, a.offer, a.partner, a.source, a.country, a.device,
		a.clicks, a.unique, a.fraud)
	return err
}

// rollupArrays are addRollupsSQL's parameters, one element per row.
type rollupArrays struct {
	tenant, campaign, offer, partner, source, country, device []string
	hour                                                      []time.Time
	clicks, unique, fraud                                     []int64
}

func (a *rollupArrays) add(k rollupKey, n *[3]int64) {
	a.tenant, a.hour = append(a.tenant, k.tenant), append(a.hour, k.hour)
	a.campaign, a.offer, a.partner = append(a.campaign, k.campaign), append(a.offer, k.offer), append(a.partner, k.partner)
	a.source, a.country, a.device = append(a.source, k.source), append(a.country, k.country), append(a.device, k.device)
	a.clicks, a.unique, a.fraud = append(a.clicks, n[0]), append(a.unique, n[1]), append(a.fraud, n[2])
}

// compareRollupKeys orders keys as the primary key does (text compared
// bytewise: the database's collation for these ids may differ, but any
// fixed order prevents deadlocks between ingest transactions).
func compareRollupKeys(a, b rollupKey) int {
	if c := strings.Compare(a.tenant, b.tenant); c != 0 {
		return c
	}
	if c := a.hour.Compare(b.hour); c != 0 {
		return c
	}
	for _, p := range [][2]string{{a.campaign, b.campaign}, {a.offer, b.offer}, {a.partner, b.partner}, {a.source, b.source}, {a.country, b.country}, {a.device, b.device}} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	return 0
}

// ingestSQL moves the staged batch into clicks, skipping clicks already
// stored, and adds only the inserted clicks to the hourly rollups, in key
// order.
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

// insertStaged is the slow path: decide uniqueness, COPY into a
// per-connection staging table, then ingestSQL.
func insertStaged(ctx context.Context, tx pgx.Tx, clicks []event.Click) error {
	unique, err := uniques(ctx, tx, clicks)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS click_stage (LIKE clicks INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`); err != nil {
		return err
	}
	if err := copyClicks(ctx, tx, "click_stage", clicks, unique); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, ingestSQL)
	return err
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

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
