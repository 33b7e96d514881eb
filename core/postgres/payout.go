package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/payout"
)

// PayoutStore implements payout.Store.
type PayoutStore struct{ db *DB }

// NewPayoutStore returns the payout storage on db.
func NewPayoutStore(db *DB) *PayoutStore { return &PayoutStore{db: db} }

// Interface guard.
var _ payout.Store = (*PayoutStore)(nil)

// InTx implements payout.Store.
func (s *PayoutStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.RunInTx(ctx, fn)
}

// Settings implements payout.Store.
func (s *PayoutStore) Settings(ctx context.Context, tenant core.TenantID) (payout.Settings, error) {
	st := payout.DefaultSettings()
	var minPayout string
	err := s.db.q(ctx).QueryRow(ctx, `SELECT hold_days, min_payout::text, min_payout_currency, schedule, rail, updated_at
		FROM payout_settings WHERE tenant_id = $1`, tenant).Scan(&st.HoldDays, &minPayout, &st.MinPayoutCurrency, &st.Schedule, &st.Rail, &st.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.MinPayout, err = core.ParseDecimal(minPayout)
	return st, err
}

// SaveSettings implements payout.Store.
func (s *PayoutStore) SaveSettings(ctx context.Context, tenant core.TenantID, st payout.Settings, by payout.Actor) error {
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		_, err := s.db.q(ctx).Exec(ctx, `
			INSERT INTO payout_settings (tenant_id, hold_days, min_payout, min_payout_currency, schedule, rail, updated_by, updated_at)
			VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8)
			ON CONFLICT (tenant_id) DO UPDATE SET hold_days = EXCLUDED.hold_days, min_payout = EXCLUDED.min_payout,
			    min_payout_currency = EXCLUDED.min_payout_currency, schedule = EXCLUDED.schedule, rail = EXCLUDED.rail,
			    updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
			tenant, st.HoldDays, st.MinPayout.StringFixed(8), st.MinPayoutCurrency, st.Schedule, st.Rail, by.ID, st.UpdatedAt)
		if err != nil {
			return translate(err, "payout settings")
		}
		return moneyAudit(ctx, s.db, tenant, auditWho(by), "payout_settings.update", "payout_settings", string(tenant), st)
	})
}

// PartnerSettings implements payout.Store.
func (s *PayoutStore) PartnerSettings(ctx context.Context, tenant core.TenantID, partnerID string) (payout.PartnerSettings, error) {
	ps := payout.PartnerSettings{PartnerID: partnerID}
	var minPayout *string
	err := s.db.q(ctx).QueryRow(ctx, `SELECT hold_days, min_payout::text, negative_carryover, updated_at
		FROM partner_payout_settings WHERE tenant_id = $1 AND partner_id = $2`, tenant, partnerID).Scan(
		&ps.HoldDays, &minPayout, &ps.NegativeCarryover, &ps.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return ps, nil
	}
	if err != nil || minPayout == nil {
		return ps, err
	}
	d, err := core.ParseDecimal(*minPayout)
	ps.MinPayout = &d
	return ps, err
}

// SavePartnerSettings implements payout.Store.
func (s *PayoutStore) SavePartnerSettings(ctx context.Context, tenant core.TenantID, ps payout.PartnerSettings, by payout.Actor) error {
	var minPayout *string
	if ps.MinPayout != nil {
		v := ps.MinPayout.StringFixed(8)
		minPayout = &v
	}
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		_, err := s.db.q(ctx).Exec(ctx, `
			INSERT INTO partner_payout_settings (tenant_id, partner_id, hold_days, min_payout, negative_carryover, updated_by, updated_at)
			VALUES ($1, $2, $3, $4::numeric, $5, $6, $7)
			ON CONFLICT (tenant_id, partner_id) DO UPDATE SET hold_days = EXCLUDED.hold_days, min_payout = EXCLUDED.min_payout,
			    negative_carryover = EXCLUDED.negative_carryover, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
			tenant, ps.PartnerID, ps.HoldDays, minPayout, ps.NegativeCarryover, by.ID, ps.UpdatedAt)
		if isForeignKeyViolation(err) {
			return core.Errorf(core.KindNotFound, "partner not found")
		}
		if err != nil {
			return translate(err, "partner payout settings")
		}
		return moneyAudit(ctx, s.db, tenant, auditWho(by), "partner_payout_settings.update", "partner", ps.PartnerID, ps)
	})
}

// Method implements payout.Store.
func (s *PayoutStore) Method(ctx context.Context, tenant core.TenantID, partnerID string) (payout.Method, bool, error) {
	var m payout.Method
	var details []byte
	err := s.db.q(ctx).QueryRow(ctx, `SELECT kind, currency, network, address, memo, details, updated_at
		FROM payout_methods WHERE tenant_id = $1 AND partner_id = $2`, tenant, partnerID).Scan(
		&m.Kind, &m.Currency, &m.Network, &m.Address, &m.Memo, &details, &m.Updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	return m, true, json.Unmarshal(details, &m.Details)
}

// SaveMethod implements payout.Store.
func (s *PayoutStore) SaveMethod(ctx context.Context, tenant core.TenantID, partnerID string, m payout.Method, by payout.Actor) error {
	details, err := json.Marshal(m.Details)
	if err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		_, err := s.db.q(ctx).Exec(ctx, `
			INSERT INTO payout_methods (tenant_id, partner_id, kind, currency, network, address, memo, details, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (tenant_id, partner_id) DO UPDATE SET kind = EXCLUDED.kind, currency = EXCLUDED.currency,
			    network = EXCLUDED.network, address = EXCLUDED.address, memo = EXCLUDED.memo, details = EXCLUDED.details,
			    updated_at = EXCLUDED.updated_at`,
			tenant, partnerID, m.Kind, m.Currency, m.Network, m.Address, m.Memo, details, m.Updated)
		if isForeignKeyViolation(err) {
			return core.Errorf(core.KindNotFound, "partner not found")
		}
		if err != nil {
			return translate(err, "payout method")
		}
		return moneyAudit(ctx, s.db, tenant, auditWho(by), "payout_method.update", "partner", partnerID,
			map[string]string{"kind": m.Kind, "currency": string(m.Currency), "network": m.Network})
	})
}

// ScheduledTenants implements payout.Store.
func (s *PayoutStore) ScheduledTenants(ctx context.Context) ([]core.TenantID, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT tenant_id FROM payout_settings WHERE schedule <> 'manual' ORDER BY tenant_id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[core.TenantID])
}

// PartnersWithMethod implements payout.Store.
func (s *PayoutStore) PartnersWithMethod(ctx context.Context, tenant core.TenantID) ([]string, error) {
	rows, err := s.db.q(ctx).Query(ctx, `
		SELECT DISTINCT m.partner_id FROM payout_methods m
		JOIN ledger_accounts a ON a.tenant_id = m.tenant_id AND a.partner_id = m.partner_id AND a.kind = 'available' AND a.balance > 0
		WHERE m.tenant_id = $1 ORDER BY 1`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// RecordRailCall implements payout.Store.
func (s *PayoutStore) RecordRailCall(ctx context.Context, tenant core.TenantID, c payout.RailCall) error {
	_, err := s.db.q(ctx).Exec(ctx, `INSERT INTO payout_rail_calls (tenant_id, payout_id, rail, idempotency_key, attempt, result, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, tenant, c.PayoutID, c.Rail, c.IdempotencyKey, c.Attempt, c.Result, c.Detail)
	return err
}

// DueSends implements payout.Store.
func (s *PayoutStore) DueSends(ctx context.Context, now time.Time, limit int) ([]payout.Ref, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT tenant_id, id FROM payouts
		WHERE status IN ('approved', 'sending') AND NOT awaiting_confirmation
		  AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND (lease_until IS NULL OR lease_until < $1)
		ORDER BY next_attempt_at NULLS FIRST LIMIT $2`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (payout.Ref, error) {
		var ref payout.Ref
		err := r.Scan(&ref.TenantID, &ref.ID)
		return ref, err
	})
}

// PartnerExists implements payout.Store.
func (s *PayoutStore) PartnerExists(ctx context.Context, tenant core.TenantID, partnerID string) (bool, error) {
	return partnerExists(ctx, s.db, tenant, partnerID)
}
