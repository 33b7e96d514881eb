package postgres

import (
	"context"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/stats"
)

// LedgerPayouts implements stats.PayoutSource from the ledger: the payout
// figure of a report row is the partners' approved commission (hold or
// available, not reversed) as the conversion_commissions view states it, so
// stats match the ledger to the cent.
type LedgerPayouts struct{ s *StatsStore }

// NewLedgerPayouts returns the ledger-backed payout source.
func NewLedgerPayouts(db *DB) *LedgerPayouts { return &LedgerPayouts{s: NewStatsStore(db)} }

var _ stats.PayoutSource = (*LedgerPayouts)(nil)

// Payouts sums approved commissions in the query's currency per group. The
// subquery keeps the conversions table's column names, so the grouping
// expressions are the same as for traffic.
func (p *LedgerPayouts) Payouts(ctx context.Context, tenant core.TenantID, q stats.Query) ([]stats.Row, error) {
	sel, group := keyList(q, "created_at")
	sql := `SELECT ` + sel + `coalesce(sum(ledger_commission), 0)::text
		FROM (SELECT cv.*, cc.commission AS ledger_commission FROM conversions cv
			JOIN conversion_commissions cc ON cc.tenant_id = cv.tenant_id AND cc.conversion_id = cv.id
			WHERE cc.state IN ('hold', 'available') AND cc.currency = $5) conversions
		WHERE tenant_id=$1 AND created_at >= $2 AND created_at < $3 AND NOT test AND ($4 = '' OR partner_id = $4)` + group
	return p.s.rows(ctx, q, sql, tenant, func(r *stats.Row, vals []any) error {
		var err error
		r.Payout, err = core.ParseDecimal(*vals[0].(*string))
		return err
	}, new(string))
}
