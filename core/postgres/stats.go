package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/stats"
)

// StatsStore implements stats.TrafficSource from the hourly click rollups
// (raw clicks when grouping by sub-ids) and the conversions, and
// stats.PayoutSource from the offers' default payouts recorded on each
// conversion. The ledger's commission figures can replace the latter.
type StatsStore struct{ db *DB }

// NewStatsStore returns the stats store.
func NewStatsStore(db *DB) *StatsStore { return &StatsStore{db: db} }

// Interface guards.
var (
	_ stats.TrafficSource = (*StatsStore)(nil)
	_ stats.PayoutSource  = (*StatsStore)(nil)
)

// dimExpr returns the SQL of dimension d over a table whose time column is ts.
// Only names from stats.Dims reach here (the service validates group_by).
func dimExpr(d stats.Dim, ts string) string {
	switch d {
	case stats.Day:
		return "to_char(" + ts + ", 'YYYY-MM-DD')"
	case stats.Hour:
		return "to_char(date_trunc('hour', " + ts + "), 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')"
	case stats.Campaign, stats.Offer, stats.Partner, stats.Source:
		return string(d) + "_id"
	}
	return string(d) // sub1..sub5, country, device
}

func keyList(q stats.Query, ts string) (sel, group string) {
	var cols, nums []string
	for i, d := range q.GroupBy {
		cols = append(cols, fmt.Sprintf("%s AS k%d", dimExpr(d, ts), i))
		nums = append(nums, fmt.Sprint(i+1))
	}
	if len(cols) == 0 {
		return "", ""
	}
	return strings.Join(cols, ", ") + ", ", " GROUP BY " + strings.Join(nums, ", ")
}

func outerKeys(q stats.Query) (sel, group string) {
	var cols []string
	for i := range q.GroupBy {
		cols = append(cols, fmt.Sprintf("k%d", i))
	}
	if len(cols) == 0 {
		return "", ""
	}
	return strings.Join(cols, ", ") + ", ", " GROUP BY " + strings.Join(cols, ", ")
}

// clicksSQL is the click half of the traffic query.
func clicksSQL(q stats.Query) string {
	for _, d := range q.GroupBy {
		if d.IsSub() {
			sel, group := keyList(q, "clicked_at")
			return `SELECT ` + sel + `count(*) AS clicks, count(*) FILTER (WHERE is_unique) AS uniq, 0::bigint AS conv, 0::numeric AS rev
				FROM clicks WHERE tenant_id=$1 AND clicked_at >= $2 AND clicked_at < $3 AND ($4 = '' OR partner_id = $4)` + group
		}
	}
	sel, group := keyList(q, "hour")
	return `SELECT ` + sel + `sum(clicks)::bigint AS clicks, sum(unique_clicks)::bigint AS uniq, 0::bigint AS conv, 0::numeric AS rev
		FROM click_stats_hourly WHERE tenant_id=$1 AND hour >= $2 AND hour < $3 AND ($4 = '' OR partner_id = $4)` + group
}

// Traffic implements stats.TrafficSource.
func (s *StatsStore) Traffic(ctx context.Context, tenant core.TenantID, q stats.Query) ([]stats.Row, error) {
	sel, group := keyList(q, "created_at")
	conv := `SELECT ` + sel + `0::bigint, 0::bigint, count(*) FILTER (WHERE status <> 'rejected'),
		coalesce(sum(revenue) FILTER (WHERE status = 'approved' AND NOT fraud AND currency = $5), 0)
		FROM conversions WHERE tenant_id=$1 AND created_at >= $2 AND created_at < $3 AND NOT test AND ($4 = '' OR partner_id = $4)` + group
	osel, ogroup := outerKeys(q)
	sql := `SELECT ` + osel + `coalesce(sum(clicks), 0)::bigint, coalesce(sum(uniq), 0)::bigint, coalesce(sum(conv), 0)::bigint,
		coalesce(sum(rev), 0)::text FROM (` + clicksSQL(q) + ` UNION ALL ` + conv + `) u` + ogroup
	return s.rows(ctx, q, sql, tenant, func(r *stats.Row, vals []any) error {
		r.Clicks, r.UniqueClicks, r.Conversions = *vals[0].(*int64), *vals[1].(*int64), *vals[2].(*int64)
		var err error
		r.Revenue, err = core.ParseDecimal(*vals[3].(*string))
		return err
	}, new(int64), new(int64), new(int64), new(string))
}

// Payouts implements stats.PayoutSource with the offers' default payouts of
// approved, non-test conversions of clean clicks.
func (s *StatsStore) Payouts(ctx context.Context, tenant core.TenantID, q stats.Query) ([]stats.Row, error) {
	sel, group := keyList(q, "created_at")
	sql := `SELECT ` + sel + `coalesce(sum(default_payout) FILTER (WHERE status = 'approved' AND NOT fraud AND payout_currency = $5), 0)::text
		FROM conversions WHERE tenant_id=$1 AND created_at >= $2 AND created_at < $3 AND NOT test AND ($4 = '' OR partner_id = $4)` + group
	return s.rows(ctx, q, sql, tenant, func(r *stats.Row, vals []any) error {
		var err error
		r.Payout, err = core.ParseDecimal(*vals[0].(*string))
		return err
	}, new(string))
}

// rows runs a report query whose first columns are the group keys followed
// by the figures, scanned into figs and copied into each row by fill.
func (s *StatsStore) rows(ctx context.Context, q stats.Query, sql string, tenant core.TenantID,
	fill func(*stats.Row, []any) error, figs ...any) ([]stats.Row, error) {
	rows, err := s.db.Pool.Query(ctx, sql, tenant, q.From, q.To, q.PartnerID, q.Currency)
	if err != nil {
		return nil, fmt.Errorf("stats query: %w", err)
	}
	defer rows.Close()
	out := []stats.Row{}
	for rows.Next() {
		keys := make([]string, len(q.GroupBy))
		dest := make([]any, 0, len(keys)+len(figs))
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		if err := rows.Scan(append(dest, figs...)...); err != nil {
			return nil, err
		}
		r := stats.Row{Keys: keys}
		if err := fill(&r, figs); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
