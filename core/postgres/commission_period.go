package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
)

// PeriodPartners implements commission.Store.
func (s *CommissionStore) PeriodPartners(ctx context.Context, tenant core.TenantID, period time.Time) ([]commission.PartnerCurrency, error) {
	rows, err := s.db.q(ctx).Query(ctx, `
		SELECT c.partner_id, l.currency FROM commission_conversions c
		JOIN commission_lines l ON l.tenant_id = c.tenant_id AND l.conversion_id = c.conversion_id
		WHERE c.tenant_id = $1 AND c.period = $2 AND c.state IN ('hold', 'available') AND c.partner_id <> ''
		UNION
		SELECT partner_id, currency FROM ledger_accounts WHERE tenant_id = $1 AND kind = 'carryover' AND balance <> 0
		ORDER BY 1, 2`, tenant, period)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (commission.PartnerCurrency, error) {
		var pc commission.PartnerCurrency
		err := r.Scan(&pc.PartnerID, &pc.Currency)
		return pc, err
	})
}

// PartnerClosed implements commission.Store.
func (s *CommissionStore) PartnerClosed(ctx context.Context, tenant core.TenantID, period time.Time, pc commission.PartnerCurrency) (bool, error) {
	var closed bool
	err := s.db.q(ctx).QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM commission_period_closes
		WHERE tenant_id = $1 AND period = $2 AND partner_id = $3 AND currency = $4)`, tenant, period, pc.PartnerID, pc.Currency).Scan(&closed)
	return closed, err
}

// SavePartnerClose implements commission.Store.
func (s *CommissionStore) SavePartnerClose(ctx context.Context, tenant core.TenantID, period time.Time, pc commission.PartnerCurrency, summary []commission.Amount) error {
	b, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	_, err = s.db.q(ctx).Exec(ctx, `INSERT INTO commission_period_closes (tenant_id, period, partner_id, currency, summary)
		VALUES ($1, $2, $3, $4, $5)`, tenant, period, pc.PartnerID, pc.Currency, b)
	return translate(err, "period close")
}

// MarkPeriodClosed implements commission.Store.
func (s *CommissionStore) MarkPeriodClosed(ctx context.Context, tenant core.TenantID, period time.Time, by commission.Actor) error {
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		tag, err := s.db.q(ctx).Exec(ctx, `INSERT INTO commission_periods (tenant_id, period, closed_by) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, tenant, period, by.ID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return moneyAudit(ctx, s.db, tenant, auditActor(by), "commission_period.close", "commission_period", period.Format("2006-01"), nil)
	})
}

// PeriodsToClose implements commission.Store: periods with approved
// commission, and the last period for tenants carrying a negative balance.
func (s *CommissionStore) PeriodsToClose(ctx context.Context, before time.Time) ([]commission.PeriodRef, error) {
	rows, err := s.db.q(ctx).Query(ctx, `
		WITH cand AS (
		    SELECT DISTINCT tenant_id, period FROM commission_conversions
		    WHERE period < $1 AND partner_id <> '' AND state IN ('hold', 'available')
		    UNION
		    SELECT DISTINCT tenant_id, ($1::date - interval '1 month')::date FROM ledger_accounts
		    WHERE kind = 'carryover' AND balance <> 0
		)
		SELECT tenant_id, period FROM cand c
		WHERE NOT EXISTS (SELECT 1 FROM commission_periods p WHERE p.tenant_id = c.tenant_id AND p.period = c.period)
		ORDER BY period, tenant_id`, before)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (commission.PeriodRef, error) {
		var p commission.PeriodRef
		err := r.Scan(&p.TenantID, &p.Period)
		p.Period = p.Period.UTC()
		return p, err
	})
}

// ClosedPeriods implements commission.Store.
func (s *CommissionStore) ClosedPeriods(ctx context.Context, tenant core.TenantID) ([]commission.ClosedPeriod, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT period, closed_at, closed_by FROM commission_periods
		WHERE tenant_id = $1 ORDER BY period DESC LIMIT 120`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (commission.ClosedPeriod, error) {
		var p commission.ClosedPeriod
		err := r.Scan(&p.Period, &p.ClosedAt, &p.ClosedBy)
		p.Period = p.Period.UTC()
		return p, err
	})
}
