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

// Conversion implements commission.Store; inside a transaction the row is
// locked for update.
func (s *CommissionStore) Conversion(ctx context.Context, tenant core.TenantID, id string) (commission.Position, bool, error) {
	lock := ""
	if inTx(ctx) {
		lock = " FOR UPDATE"
	}
	var p commission.Position
	var rev, booked, revCur, scope, state string
	var params []byte
	var periodT, approvedAt, holdUntil *time.Time
	err := s.db.q(ctx).QueryRow(ctx, `
		SELECT conversion_id, partner_id, offer_id, campaign_id, event, status, state, last_seq, test, fraud,
		       revenue::text, revenue_currency, revenue_booked::text, terms_id, terms_scope, terms_model, terms_params,
		       period, approved_at, hold_until, occurred_at
		FROM commission_conversions WHERE tenant_id = $1 AND conversion_id = $2`+lock, tenant, id).Scan(
		&p.ConversionID, &p.PartnerID, &p.OfferID, &p.CampaignID, &p.Event, &p.Status, &state, &p.LastSeq, &p.Test, &p.Fraud,
		&rev, &revCur, &booked, &p.TermsID, &scope, &p.Terms.Model, &params,
		&periodT, &approvedAt, &holdUntil, &p.OccurredAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return commission.Position{}, false, nil
	}
	if err != nil {
		return commission.Position{}, false, err
	}
	p.State, p.TermsScope, p.Terms.Params = commission.State(state), commission.Scope(scope), params
	p.Revenue.Currency = core.Currency(revCur)
	if p.Revenue.Amount, p.RevenueBooked, err = parse2(rev, booked); err != nil {
		return commission.Position{}, false, err
	}
	p.Period, p.ApprovedAt, p.HoldUntil, p.OccurredAt = utc(periodT), utc(approvedAt), utc(holdUntil), p.OccurredAt.UTC()
	p.Lines, err = s.lines(ctx, tenant, id)
	return p, true, err
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func (s *CommissionStore) lines(ctx context.Context, tenant core.TenantID, id string) ([]core.Money, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT currency, amount::text FROM commission_lines
		WHERE tenant_id = $1 AND conversion_id = $2 ORDER BY currency`, tenant, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.Money, error) {
		var m core.Money
		var amt string
		err := r.Scan(&m.Currency, &amt)
		if err == nil {
			m.Amount, err = core.ParseDecimal(amt)
		}
		return m, err
	})
}

// SaveConversion implements commission.Store.
func (s *CommissionStore) SaveConversion(ctx context.Context, tenant core.TenantID, p commission.Position) error {
	params := []byte(p.Terms.Params)
	if len(params) == 0 {
		params = []byte(`{}`)
	}
	return s.db.RunInTx(ctx, func(ctx context.Context) error {
		q := s.db.q(ctx)
		_, err := q.Exec(ctx, `
			INSERT INTO commission_conversions (tenant_id, conversion_id, partner_id, offer_id, campaign_id, event, status, state,
			    last_seq, test, fraud, revenue, revenue_currency, revenue_booked, terms_id, terms_scope, terms_model, terms_params,
			    period, approved_at, hold_until, occurred_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::numeric, $13, $14::numeric, $15, $16, $17, $18, $19, $20, $21, $22)
			ON CONFLICT (tenant_id, conversion_id) DO UPDATE SET partner_id = EXCLUDED.partner_id, offer_id = EXCLUDED.offer_id,
			    campaign_id = EXCLUDED.campaign_id, event = EXCLUDED.event, status = EXCLUDED.status, state = EXCLUDED.state,
			    last_seq = EXCLUDED.last_seq, test = EXCLUDED.test, fraud = EXCLUDED.fraud, revenue = EXCLUDED.revenue,
			    revenue_currency = EXCLUDED.revenue_currency, revenue_booked = EXCLUDED.revenue_booked, terms_id = EXCLUDED.terms_id,
			    terms_scope = EXCLUDED.terms_scope, terms_model = EXCLUDED.terms_model, terms_params = EXCLUDED.terms_params,
			    period = EXCLUDED.period, approved_at = EXCLUDED.approved_at, hold_until = EXCLUDED.hold_until, updated_at = now()`,
			tenant, p.ConversionID, p.PartnerID, p.OfferID, p.CampaignID, p.Event, p.Status, string(p.State),
			p.LastSeq, p.Test, p.Fraud, p.Revenue.Amount.StringFixed(8), string(p.Revenue.Currency), p.RevenueBooked.StringFixed(8),
			p.TermsID, string(p.TermsScope), p.Terms.Model, params, nullTime(p.Period), nullTime(p.ApprovedAt), nullTime(p.HoldUntil), p.OccurredAt)
		if err != nil {
			return translate(err, "conversion commission")
		}
		return s.saveLines(ctx, tenant, p)
	})
}

func (s *CommissionStore) saveLines(ctx context.Context, tenant core.TenantID, p commission.Position) error {
	q := s.db.q(ctx)
	if _, err := q.Exec(ctx, `DELETE FROM commission_lines WHERE tenant_id = $1 AND conversion_id = $2`, tenant, p.ConversionID); err != nil {
		return err
	}
	if len(p.Lines) == 0 {
		return nil
	}
	var curs, amts []string
	for _, l := range p.Lines {
		curs, amts = append(curs, string(l.Currency)), append(amts, l.Amount.StringFixed(8))
	}
	_, err := q.Exec(ctx, `INSERT INTO commission_lines (tenant_id, conversion_id, currency, amount)
		SELECT $1, $2, c, a::numeric FROM unnest($3::text[], $4::text[]) AS t(c, a)`, tenant, p.ConversionID, curs, amts)
	return translate(err, "commission line")
}

// Transition implements commission.Store.
func (s *CommissionStore) Transition(ctx context.Context, tenant core.TenantID, conversionID string, seq int64) (commission.Transition, bool, error) {
	t := commission.Transition{ConversionID: conversionID, Seq: seq}
	var payload []byte
	err := s.db.q(ctx).QueryRow(ctx, `SELECT status, moved, payload FROM commission_transitions
		WHERE tenant_id = $1 AND conversion_id = $2 AND seq = $3`, tenant, conversionID, seq).Scan(&t.Status, &t.Moved, &payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, err
	}
	return t, true, json.Unmarshal(payload, &t.Payload)
}

// SaveTransition implements commission.Store.
func (s *CommissionStore) SaveTransition(ctx context.Context, tenant core.TenantID, t commission.Transition) error {
	payload, err := json.Marshal(t.Payload)
	if err != nil {
		return err
	}
	_, err = s.db.q(ctx).Exec(ctx, `INSERT INTO commission_transitions (tenant_id, conversion_id, seq, status, moved, payload)
		VALUES ($1, $2, $3, $4, $5, $6)`, tenant, t.ConversionID, t.Seq, t.Status, t.Moved, payload)
	return translate(err, "commission transition")
}

// History implements commission.Store.
func (s *CommissionStore) History(ctx context.Context, tenant core.TenantID, q commission.HistoryQuery) (commission.History, error) {
	var h commission.History
	var rev, com string
	// The line is read by a scalar subquery on purpose: as a join, a fresh
	// table without statistics gets a nested loop that rescans every line.
	err := s.db.q(ctx).QueryRow(ctx, `
		SELECT count(*), coalesce(sum(revenue) FILTER (WHERE revenue_currency = $4), 0)::text, coalesce(sum(amount), 0)::text
		FROM (SELECT c.revenue, c.revenue_currency,
		             (SELECT l.amount FROM commission_lines l
		              WHERE l.tenant_id = c.tenant_id AND l.conversion_id = c.conversion_id AND l.currency = $4) AS amount
		      FROM commission_conversions c
		      WHERE c.tenant_id = $1 AND c.partner_id = $2 AND c.period = $3 AND c.state IN ('hold', 'available')
		        AND c.conversion_id <> $5 AND ($6 = '' OR c.offer_id = $6) AND ($7 = '' OR c.campaign_id = $7)) t
		WHERE NOT $8 OR amount IS NOT NULL`,
		tenant, q.PartnerID, q.Period, string(q.Currency), q.ExcludeID, q.OfferID, q.CampaignID, q.InCurrency).Scan(&h.ApprovedCount, &rev, &com)
	if err != nil {
		return h, err
	}
	h.ApprovedRevenue, h.Commission, err = parse2(rev, com)
	return h, err
}

// DueReleases implements commission.Store.
func (s *CommissionStore) DueReleases(ctx context.Context, now time.Time, limit int) ([]commission.DueRelease, error) {
	rows, err := s.db.q(ctx).Query(ctx, `SELECT tenant_id, conversion_id, partner_id FROM commission_conversions
		WHERE state = 'hold' AND hold_until <= $1 ORDER BY hold_until LIMIT $2`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (commission.DueRelease, error) {
		var d commission.DueRelease
		err := r.Scan(&d.TenantID, &d.ConversionID, &d.PartnerID)
		return d, err
	})
}
