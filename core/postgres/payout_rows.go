package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/payout"
)

const payoutColumns = `id, partner_id, status, amount::text, currency, source_amount::text, source_currency, fx_rate, fx_day,
	method, rail, request_key, coalesce(batch_id, ''), requested_by_kind, requested_by, approved_by, approved_at, sent_at,
	paid_at, failed_at, cancelled_at, reference, rail_tx_id, failure_reason, attempts, next_attempt_at, lease_until,
	awaiting_confirmation, created_at, updated_at`

func scanPayout(r pgx.CollectableRow) (payout.Payout, error) {
	var p payout.Payout
	var amt, src string
	var method []byte
	err := r.Scan(&p.ID, &p.PartnerID, &p.Status, &amt, &p.Currency, &src, &p.SourceCurrency, &p.FXRate, &p.FXDay,
		&method, &p.Rail, &p.RequestKey, &p.BatchID, &p.RequestedByKind, &p.RequestedBy, &p.ApprovedBy, &p.ApprovedAt, &p.SentAt,
		&p.PaidAt, &p.FailedAt, &p.CancelledAt, &p.Reference, &p.RailTxID, &p.FailureReason, &p.Attempts, &p.NextAttemptAt, &p.LeaseUntil,
		&p.AwaitingConfirmation, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	if p.Amount, p.SourceAmount, err = parse2(amt, src); err != nil {
		return p, err
	}
	return p, json.Unmarshal(method, &p.Method)
}

// CreatePayout implements payout.Store.
func (s *PayoutStore) CreatePayout(ctx context.Context, tenant core.TenantID, p payout.Payout, by payout.Actor) error {
	method, err := json.Marshal(p.Method)
	if err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		_, err := s.db.q(ctx).Exec(ctx, `
			INSERT INTO payouts (id, tenant_id, partner_id, status, amount, currency, source_amount, source_currency, fx_rate, fx_day,
			    method, rail, request_key, requested_by_kind, requested_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5::numeric, $6, $7::numeric, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
			p.ID, tenant, p.PartnerID, p.Status, p.Amount.StringFixed(8), p.Currency, p.SourceAmount.StringFixed(8),
			p.SourceCurrency, p.FXRate, p.FXDay, method, p.Rail, p.RequestKey, p.RequestedByKind, p.RequestedBy, p.CreatedAt)
		if isForeignKeyViolation(err) {
			return core.Errorf(core.KindNotFound, "partner not found")
		}
		if err != nil {
			return translate(err, "payout")
		}
		return s.appendHistory(ctx, tenant, p, by, "requested "+p.Amount.String()+" "+string(p.Currency))
	})
}

func (s *PayoutStore) appendHistory(ctx context.Context, tenant core.TenantID, p payout.Payout, by payout.Actor, detail string) error {
	kind := by.Kind
	if kind == "" {
		kind = "system"
	}
	_, err := s.db.q(ctx).Exec(ctx, `INSERT INTO payout_history (tenant_id, payout_id, status, actor_kind, actor_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, tenant, p.ID, p.Status, kind, by.ID, detail)
	if err != nil || by.Kind == "system" {
		return err
	}
	return moneyAudit(ctx, s.db, tenant, auditWho(by), "payout."+string(p.Status), "payout", p.ID,
		map[string]string{"amount": p.Amount.String(), "currency": string(p.Currency), "detail": detail})
}

// PayoutByKey implements payout.Store.
func (s *PayoutStore) PayoutByKey(ctx context.Context, tenant core.TenantID, key string) (payout.Payout, bool, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE tenant_id = $1 AND request_key = $2`, tenant, key)
	if err != nil {
		return payout.Payout{}, false, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPayout)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// Payout implements payout.Store; inside a transaction the row is locked.
func (s *PayoutStore) Payout(ctx context.Context, tenant core.TenantID, id string) (payout.Payout, error) {
	lock := ""
	if inTx(ctx) {
		lock = " FOR UPDATE"
	}
	rows, err := s.db.q(ctx).Query(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE tenant_id = $1 AND id = $2`+lock, tenant, id)
	if err != nil {
		return payout.Payout{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPayout)
	return p, translate(err, "payout")
}

// UpdatePayout implements payout.Store.
func (s *PayoutStore) UpdatePayout(ctx context.Context, tenant core.TenantID, p payout.Payout, by payout.Actor, detail string) error {
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		tag, err := s.db.q(ctx).Exec(ctx, `
			UPDATE payouts SET status = $3, approved_by = $4, approved_at = $5, sent_at = $6, paid_at = $7, failed_at = $8,
			    cancelled_at = $9, reference = $10, rail_tx_id = $11, failure_reason = $12, attempts = $13,
			    next_attempt_at = $14, lease_until = $15, awaiting_confirmation = $16, updated_at = $17
			WHERE tenant_id = $1 AND id = $2`,
			tenant, p.ID, p.Status, p.ApprovedBy, p.ApprovedAt, p.SentAt, p.PaidAt, p.FailedAt, p.CancelledAt, p.Reference,
			p.RailTxID, p.FailureReason, p.Attempts, p.NextAttemptAt, p.LeaseUntil, p.AwaitingConfirmation, p.UpdatedAt)
		if err != nil {
			return translate(err, "payout")
		}
		if tag.RowsAffected() != 1 {
			return core.Errorf(core.KindNotFound, "payout not found")
		}
		return s.appendHistory(ctx, tenant, p, by, detail)
	})
}

// Payouts implements payout.Store.
func (s *PayoutStore) Payouts(ctx context.Context, tenant core.TenantID, f payout.Filter) ([]payout.Payout, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT `+payoutColumns+` FROM payouts
		WHERE tenant_id = $1 AND ($2 = '' OR partner_id = $2) AND ($3 = '' OR status = $3) AND ($4 = '' OR batch_id = $4)
		  AND ($5 = '' OR (created_at, id) < (SELECT created_at, id FROM payouts WHERE tenant_id = $1 AND id = $5))
		ORDER BY created_at DESC, id DESC LIMIT $6`, tenant, f.PartnerID, string(f.Status), f.BatchID, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanPayout)
}

// History implements payout.Store.
func (s *PayoutStore) History(ctx context.Context, tenant core.TenantID, id string) ([]payout.HistoryEntry, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT status, actor_kind, actor_id, detail, created_at FROM payout_history
		WHERE tenant_id = $1 AND payout_id = $2 ORDER BY id`, tenant, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (payout.HistoryEntry, error) {
		var h payout.HistoryEntry
		err := r.Scan(&h.Status, &h.ActorKind, &h.ActorID, &h.Detail, &h.CreatedAt)
		return h, err
	})
}

// CreateBatch implements payout.Store: a batch with an existing key is
// returned as it is.
func (s *PayoutStore) CreateBatch(ctx context.Context, tenant core.TenantID, b payout.Batch, by payout.Actor) (payout.Batch, bool, error) {
	var id string
	err := s.db.q(ctx).QueryRow(ctx, `INSERT INTO payout_batches (id, tenant_id, key, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id`, b.ID, tenant, b.Key, b.CreatedBy, b.CreatedAt).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.db.q(ctx).QueryRow(ctx, `SELECT id FROM payout_batches WHERE tenant_id = $1 AND key = $2`, tenant, b.Key).Scan(&b.ID)
		return b, false, err
	}
	if err != nil {
		return b, false, translate(err, "payout batch")
	}
	return b, true, moneyAudit(ctx, s.db, tenant, auditWho(by), "payout_batch.create", "payout_batch", b.ID, nil)
}

// AddToBatch implements payout.Store.
func (s *PayoutStore) AddToBatch(ctx context.Context, tenant core.TenantID, batchID string, ids []string) error {
	_, err := s.db.q(ctx).Exec(ctx, `UPDATE payouts SET batch_id = $2, updated_at = now()
		WHERE tenant_id = $1 AND id = ANY($3) AND batch_id IS NULL AND status = 'requested'`, tenant, batchID, ids)
	return err
}

// Batch implements payout.Store.
func (s *PayoutStore) Batch(ctx context.Context, tenant core.TenantID, id string) (payout.Batch, error) {
	var b payout.Batch
	err := s.db.q(ctx).QueryRow(ctx, `SELECT b.id, b.key, b.created_by, b.created_at,
		    coalesce(array_agg(p.id ORDER BY p.created_at, p.id) FILTER (WHERE p.id IS NOT NULL), '{}')
		FROM payout_batches b LEFT JOIN payouts p ON p.batch_id = b.id AND p.tenant_id = b.tenant_id
		WHERE b.tenant_id = $1 AND b.id = $2 GROUP BY b.id`, tenant, id).Scan(&b.ID, &b.Key, &b.CreatedBy, &b.CreatedAt, &b.PayoutIDs)
	return b, translate(err, "payout batch")
}

// Batches implements payout.Store.
func (s *PayoutStore) Batches(ctx context.Context, tenant core.TenantID) ([]payout.Batch, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT b.id, b.key, b.created_by, b.created_at,
		    coalesce(array_agg(p.id ORDER BY p.created_at, p.id) FILTER (WHERE p.id IS NOT NULL), '{}')
		FROM payout_batches b LEFT JOIN payouts p ON p.batch_id = b.id AND p.tenant_id = b.tenant_id
		WHERE b.tenant_id = $1 GROUP BY b.id ORDER BY b.created_at DESC LIMIT 200`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (payout.Batch, error) {
		var b payout.Batch
		err := r.Scan(&b.ID, &b.Key, &b.CreatedBy, &b.CreatedAt, &b.PayoutIDs)
		return b, err
	})
}
