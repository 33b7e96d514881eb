package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
)

// CatalogStore implements catalog.Store.
type CatalogStore struct{ db *DB }

// NewCatalogStore returns the catalogue store.
func NewCatalogStore(db *DB) *CatalogStore { return &CatalogStore{db: db} }

var _ catalog.Store = (*CatalogStore)(nil)

const offerCols = `id, tenant_id, name, url, status, payout, currency, countries, daily_cap, total_cap, fallback_url, created_at, updated_at`

// offerSelect is offerCols with the payout as text, the exact form a Decimal parses.
const offerSelect = `id, tenant_id, name, url, status, payout::text, currency, countries, daily_cap, total_cap, fallback_url, created_at, updated_at`

func scanOffer(row pgx.Row) (catalog.Offer, error) {
	var o catalog.Offer
	var payout string
	err := row.Scan(&o.ID, &o.TenantID, &o.Name, &o.URL, &o.Status, &payout, &o.Currency, &o.Countries,
		&o.DailyCap, &o.TotalCap, &o.FallbackURL, &o.CreatedAt, &o.UpdatedAt)
	if err != nil {
		return o, err
	}
	o.Payout, err = core.ParseDecimal(payout)
	return o, err
}

// CreateOffer implements catalog.Store.
func (s *CatalogStore) CreateOffer(ctx context.Context, o catalog.Offer) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO offers (`+offerCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		o.ID, o.TenantID, o.Name, o.URL, o.Status, o.Payout.StringFixed(0), o.Currency, o.Countries, o.DailyCap,
		o.TotalCap, o.FallbackURL, o.CreatedAt, o.UpdatedAt)
	return translate(err, "offer")
}

// UpdateOffer implements catalog.Store.
func (s *CatalogStore) UpdateOffer(ctx context.Context, o catalog.Offer) error {
	return s.execOne(ctx, "offer", `UPDATE offers SET name=$3, url=$4, status=$5, payout=$6, currency=$7, countries=$8,
		daily_cap=$9, total_cap=$10, fallback_url=$11, updated_at=$12 WHERE tenant_id=$1 AND id=$2`,
		o.TenantID, o.ID, o.Name, o.URL, o.Status, o.Payout.StringFixed(0), o.Currency, o.Countries, o.DailyCap,
		o.TotalCap, o.FallbackURL, o.UpdatedAt)
}

// Offer implements catalog.Store.
func (s *CatalogStore) Offer(ctx context.Context, tenant core.TenantID, id string) (catalog.Offer, error) {
	o, err := scanOffer(s.db.Pool.QueryRow(ctx, `SELECT `+offerSelect+` FROM offers WHERE tenant_id=$1 AND id=$2`, tenant, id))
	return o, translate(err, "offer")
}

// Offers implements catalog.Store.
func (s *CatalogStore) Offers(ctx context.Context, tenant core.TenantID) ([]catalog.Offer, error) {
	return s.queryOffers(ctx, `SELECT `+offerSelect+` FROM offers WHERE tenant_id=$1 ORDER BY created_at DESC, id`, tenant)
}

// PartnerOffers implements catalog.Store.
func (s *CatalogStore) PartnerOffers(ctx context.Context, tenant core.TenantID, partnerID string) ([]catalog.Offer, error) {
	return s.queryOffers(ctx, `SELECT `+offerSelect+` FROM offers o WHERE tenant_id=$1 AND status='active'
		AND EXISTS (SELECT 1 FROM partner_offers g WHERE g.tenant_id=$1 AND g.partner_id=$2 AND g.offer_id=o.id)
		ORDER BY created_at DESC, id`, tenant, partnerID)
}

func (s *CatalogStore) queryOffers(ctx context.Context, sql string, args ...any) ([]catalog.Offer, error) {
	rows, err := s.db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	defer rows.Close()
	out := []catalog.Offer{}
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ArchiveOffer implements catalog.Store.
func (s *CatalogStore) ArchiveOffer(ctx context.Context, tenant core.TenantID, id string) error {
	return s.execOne(ctx, "offer", `UPDATE offers SET status='archived', updated_at=now() WHERE tenant_id=$1 AND id=$2`, tenant, id)
}

// execOne runs a statement that must touch exactly one row of the tenant.
func (s *CatalogStore) execOne(ctx context.Context, what, sql string, args ...any) error {
	tag, err := s.db.Pool.Exec(ctx, sql, args...)
	if err != nil {
		return translate(err, what)
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.KindNotFound, "%s not found", what)
	}
	return nil
}

// SetGrants implements catalog.Store.
func (s *CatalogStore) SetGrants(ctx context.Context, tenant core.TenantID, partnerID string, offerIDs []string) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM partners WHERE tenant_id=$1 AND id=$2`, tenant, partnerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return core.Errorf(core.KindNotFound, "partner not found")
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM offers WHERE tenant_id=$1 AND id = ANY($2)`, tenant, offerIDs).Scan(&n); err != nil {
			return err
		}
		if n != len(offerIDs) {
			return core.Invalid("offer_ids", "names an offer that does not exist")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM partner_offers WHERE tenant_id=$1 AND partner_id=$2 AND NOT offer_id = ANY(coalesce($3::text[], '{}'))`, tenant, partnerID, offerIDs); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO partner_offers (tenant_id, partner_id, offer_id) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`, tenant, partnerID, offerIDs)
		return translate(err, "grant")
	})
}

// Grants implements catalog.Store: the partner's granted offer ids, or
// KindNotFound when the tenant has no such partner.
func (s *CatalogStore) Grants(ctx context.Context, tenant core.TenantID, partnerID string) ([]string, error) {
	var ids []string
	err := s.db.Pool.QueryRow(ctx, `SELECT coalesce(array_agg(po.offer_id ORDER BY po.offer_id) FILTER (WHERE po.offer_id IS NOT NULL), '{}')
		FROM partners p LEFT JOIN partner_offers po ON po.tenant_id = p.tenant_id AND po.partner_id = p.id
		WHERE p.tenant_id=$1 AND p.id=$2 GROUP BY p.id`, tenant, partnerID).Scan(&ids)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.KindNotFound, "partner not found")
	}
	return ids, err
}
