package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/ledger"
)

// reconcileSQL pairs, per conversion and currency, the commission of the
// conversion_commissions view with the sum of that conversion's ledger
// entries on the partner's live accounts (pending, hold, available,
// carryover). Moving between those accounts nets to zero and a reversal
// leaves them, so the two figures agree exactly when the ledger is right.
const reconcileSQL = `
WITH led AS (
    SELECT t.conversion_id, e.currency, sum(e.amount) AS amount
    FROM ledger_transactions t
    JOIN ledger_entries e ON e.transaction_id = t.id
    JOIN ledger_accounts a ON a.id = e.account_id
    WHERE t.tenant_id = $1 AND t.conversion_id IS NOT NULL
      AND a.kind IN ('pending', 'hold', 'available', 'carryover')
    GROUP BY 1, 2
), cc AS (
    SELECT conversion_id, currency, commission FROM conversion_commissions WHERE tenant_id = $1
)
SELECT coalesce(cc.conversion_id, led.conversion_id), coalesce(cc.currency, led.currency),
       coalesce(cc.commission, 0)::text, coalesce(led.amount, 0)::text
FROM cc FULL JOIN led ON led.conversion_id = cc.conversion_id AND led.currency = cc.currency`

// Reconcile implements ledger.Store.
func (s *LedgerStore) Reconcile(ctx context.Context, tenant core.TenantID) (ledger.Reconciliation, error) {
	out := ledger.Reconciliation{Totals: []ledger.ReconcileTotal{}, Mismatches: []ledger.ReconcileLine{}}
	rows, err := s.db.q(ctx).Query(ctx, reconcileSQL, tenant)
	if err != nil {
		return out, err
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.ReconcileLine, error) {
		var l ledger.ReconcileLine
		var c, g string
		err := r.Scan(&l.ConversionID, &l.Currency, &c, &g)
		if err == nil {
			l.Commission, l.Ledger, err = parse2(c, g)
		}
		return l, err
	})
	if err != nil {
		return out, err
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l.ConversionID] = true
		out.Totals = addTotal(out.Totals, l)
		if l.Commission != l.Ledger {
			out.Mismatches = append(out.Mismatches, l)
		}
	}
	out.Conversions = int64(len(seen))
	out.Trial, err = s.trialBalance(ctx, tenant)
	return out, err
}

func addTotal(ts []ledger.ReconcileTotal, l ledger.ReconcileLine) []ledger.ReconcileTotal {
	i := slices.IndexFunc(ts, func(t ledger.ReconcileTotal) bool { return t.Currency == l.Currency })
	if i < 0 {
		ts = append(ts, ledger.ReconcileTotal{Currency: l.Currency})
		i = len(ts) - 1
	}
	ts[i].Commission, _ = ts[i].Commission.Add(l.Commission)
	ts[i].Ledger, _ = ts[i].Ledger.Add(l.Ledger)
	return ts
}

// trialBalance sums every entry of the tenant per currency (from the
// entries, not the running balances).
func (s *LedgerStore) trialBalance(ctx context.Context, tenant core.TenantID) ([]ledger.CurrencyBalance, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT currency, sum(amount)::text FROM ledger_entries WHERE tenant_id = $1 GROUP BY currency ORDER BY currency`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.CurrencyBalance, error) {
		var b ledger.CurrencyBalance
		var sum string
		err := r.Scan(&b.Currency, &sum)
		if err == nil {
			b.Sum, err = core.ParseDecimal(sum)
		}
		return b, err
	})
}

func parse2(a, b string) (core.Decimal, core.Decimal, error) {
	x, err := core.ParseDecimal(a)
	if err != nil {
		return x, x, err
	}
	y, err := core.ParseDecimal(b)
	return x, y, err
}

// isCheckViolation reports a CHECK constraint failure (e.g. an account
// balance that would change sign).
func isCheckViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23514"
}

// PartnerExists implements ledger.Store.
func (s *LedgerStore) PartnerExists(ctx context.Context, tenant core.TenantID, partnerID string) (bool, error) {
	return partnerExists(ctx, s.db, tenant, partnerID)
}

// Audit implements ledger.Store.
func (s *LedgerStore) Audit(ctx context.Context, tenant core.TenantID, by ledger.Actor, action, targetType, targetID string, summary any) error {
	return moneyAudit(ctx, s.db, tenant, auditWho(by), action, targetType, targetID, summary)
}

func partnerExists(ctx context.Context, db *DB, tenant core.TenantID, partnerID string) (bool, error) {
	var ok bool
	err := db.q(ctx).QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM partners WHERE tenant_id = $1 AND id = $2)`, tenant, partnerID).Scan(&ok)
	return ok, err
}
