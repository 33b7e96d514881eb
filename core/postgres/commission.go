package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
)

// CommissionStore implements commission.Store.
type CommissionStore struct{ db *DB }

// NewCommissionStore returns the commission storage on db.
func NewCommissionStore(db *DB) *CommissionStore { return &CommissionStore{db: db} }

// Interface guard.
var _ commission.Store = (*CommissionStore)(nil)

// InTx implements commission.Store.
func (s *CommissionStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.RunInTx(ctx, fn)
}

const termsColumns = `id, coalesce(partner_id, ''), coalesce(offer_id, ''), coalesce(campaign_id, ''), model, params,
	effective_from, effective_to, created_by, created_at`

func scanTerms(r pgx.CollectableRow) (commission.Terms, error) {
	var t commission.Terms
	var params []byte
	err := r.Scan(&t.ID, &t.PartnerID, &t.OfferID, &t.CampaignID, &t.Model, &params,
		&t.EffectiveFrom, &t.EffectiveTo, &t.CreatedBy, &t.CreatedAt)
	t.Params = params
	t.EffectiveFrom, t.CreatedAt = t.EffectiveFrom.UTC(), t.CreatedAt.UTC()
	if t.EffectiveTo != nil {
		u := t.EffectiveTo.UTC()
		t.EffectiveTo = &u
	}
	return t, err
}

// CreateTerms implements commission.Store.
func (s *CommissionStore) CreateTerms(ctx context.Context, tenant core.TenantID, t commission.Terms, by commission.Actor) error {
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		_, err := s.db.q(ctx).Exec(ctx, `
			INSERT INTO commission_terms (id, tenant_id, partner_id, offer_id, campaign_id, model, params, effective_from, created_by, created_at)
			VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''), $6, $7, $8, $9, $10)`,
			t.ID, tenant, t.PartnerID, t.OfferID, t.CampaignID, t.Model, []byte(t.Params), t.EffectiveFrom, t.CreatedBy, t.CreatedAt)
		if err != nil {
			if isForeignKeyViolation(err) {
				return core.Invalid("partner_id", "no such partner")
			}
			return translate(err, "commission terms")
		}
		return moneyAudit(ctx, s.db, tenant, auditActor(by), "commission_terms.create", "commission_terms", t.ID, t)
	})
}

// EndTerms implements commission.Store: it closes open terms at at (or at
// their start, for terms that had not begun), and returns ended terms as
// they are.
func (s *CommissionStore) EndTerms(ctx context.Context, tenant core.TenantID, id string, at time.Time, by commission.Actor) (commission.Terms, error) {
	var out commission.Terms
	err := s.db.RunInTx(ctx, func(ctx context.Context) error {
		rows, err := s.db.q(ctx).Query(ctx, `
			UPDATE commission_terms SET effective_to = greatest($3::timestamptz, effective_from)
			WHERE tenant_id = $1 AND id = $2 AND effective_to IS NULL RETURNING `+termsColumns, tenant, id, at)
		if err != nil {
			return err
		}
		out, err = pgx.CollectExactlyOneRow(rows, scanTerms)
		if errors.Is(err, pgx.ErrNoRows) {
			out, err = s.GetTerms(ctx, tenant, id)
			return err
		}
		if err != nil {
			return err
		}
		return moneyAudit(ctx, s.db, tenant, auditActor(by), "commission_terms.end", "commission_terms", id, nil)
	})
	return out, err
}

// GetTerms implements commission.Store.
func (s *CommissionStore) GetTerms(ctx context.Context, tenant core.TenantID, id string) (commission.Terms, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT `+termsColumns+` FROM commission_terms WHERE tenant_id = $1 AND id = $2`, tenant, id)
	if err != nil {
		return commission.Terms{}, err
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanTerms)
	return t, translate(err, "commission terms")
}

// ListTerms implements commission.Store.
func (s *CommissionStore) ListTerms(ctx context.Context, tenant core.TenantID, f commission.TermsFilter) ([]commission.Terms, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT `+termsColumns+` FROM commission_terms
		WHERE tenant_id = $1 AND ($2 = '' OR partner_id = $2) AND ($3 = '' OR offer_id = $3) AND ($4 = '' OR campaign_id = $4)
		  AND ($5::timestamptz IS NULL OR (effective_from <= $5 AND (effective_to IS NULL OR effective_to > $5)))
		ORDER BY created_at DESC, id DESC LIMIT 1000`, tenant, f.PartnerID, f.OfferID, f.CampaignID, nullTime(f.ActiveAt))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanTerms)
}

// CandidateTerms implements commission.Store.
func (s *CommissionStore) CandidateTerms(ctx context.Context, tenant core.TenantID, partner, offer, campaign string) ([]commission.Terms, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT `+termsColumns+` FROM commission_terms
		WHERE tenant_id = $1 AND (partner_id IS NULL OR partner_id = $2)
		  AND (offer_id IS NULL OR offer_id = $3) AND (campaign_id IS NULL OR campaign_id = $4)`,
		tenant, partner, offer, campaign)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanTerms)
}

// isForeignKeyViolation reports a foreign key failure.
func isForeignKeyViolation(err error) bool {
	var pgErr interface{ SQLState() string }
	return errors.As(err, &pgErr) && pgErr.SQLState() == "23503"
}

// auditActor maps a domain actor to audit columns.
func auditActor(a commission.Actor) auditWho { return auditWho(a) }

// auditWho is who made a change (kind, id, ip).
type auditWho struct{ Kind, ID, IP string }

// moneyAudit appends a ledger-area state change to the audit log, in the
// transaction of the change.
func moneyAudit(ctx context.Context, db *DB, tenant core.TenantID, who auditWho, action, targetType, targetID string, summary any) error {
	b, err := json.Marshal(summary)
	if err != nil || summary == nil {
		b = []byte(`{}`)
	}
	kind := who.Kind
	if kind == "" {
		kind = "system"
	}
	_, err = db.q(ctx).Exec(ctx, `
		INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, target_type, target_id, ip, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenant, kind, who.ID, action, targetType, targetID, who.IP, b)
	return err
}
