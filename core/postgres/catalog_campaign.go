package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
)

// CreateLanding implements catalog.Store.
func (s *CatalogStore) CreateLanding(ctx context.Context, l catalog.Landing) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO landings (id, tenant_id, name, url, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		l.ID, l.TenantID, l.Name, l.URL, l.CreatedAt, l.UpdatedAt)
	return translate(err, "landing")
}

// UpdateLanding implements catalog.Store.
func (s *CatalogStore) UpdateLanding(ctx context.Context, l catalog.Landing) error {
	return s.execOne(ctx, "landing", `UPDATE landings SET name=$3, url=$4, updated_at=$5 WHERE tenant_id=$1 AND id=$2`,
		l.TenantID, l.ID, l.Name, l.URL, l.UpdatedAt)
}

// Landing implements catalog.Store.
func (s *CatalogStore) Landing(ctx context.Context, tenant core.TenantID, id string) (catalog.Landing, error) {
	var l catalog.Landing
	err := s.db.Pool.QueryRow(ctx, `SELECT id, tenant_id, name, url, created_at, updated_at FROM landings WHERE tenant_id=$1 AND id=$2`, tenant, id).
		Scan(&l.ID, &l.TenantID, &l.Name, &l.URL, &l.CreatedAt, &l.UpdatedAt)
	return l, translate(err, "landing")
}

// Landings implements catalog.Store.
func (s *CatalogStore) Landings(ctx context.Context, tenant core.TenantID) ([]catalog.Landing, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT id, tenant_id, name, url, created_at, updated_at FROM landings WHERE tenant_id=$1 ORDER BY created_at DESC, id`, tenant)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r pgx.CollectableRow) (catalog.Landing, error) {
		var l catalog.Landing
		return l, r.Scan(&l.ID, &l.TenantID, &l.Name, &l.URL, &l.CreatedAt, &l.UpdatedAt)
	})
}

// DeleteLanding implements catalog.Store.
func (s *CatalogStore) DeleteLanding(ctx context.Context, tenant core.TenantID, id string) error {
	err := s.execOne(ctx, "landing", `DELETE FROM landings WHERE tenant_id=$1 AND id=$2`, tenant, id)
	if core.KindOf(err) == core.KindInvalid {
		return core.Errorf(core.KindConflict, "the landing is used by a campaign")
	}
	return err
}

// CreateSource implements catalog.Store.
func (s *CatalogStore) CreateSource(ctx context.Context, src catalog.Source) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO sources (id, tenant_id, name, created_at, updated_at) VALUES ($1,$2,$3,$4,$5)`,
		src.ID, src.TenantID, src.Name, src.CreatedAt, src.UpdatedAt)
	return translate(err, "source")
}

// UpdateSource implements catalog.Store.
func (s *CatalogStore) UpdateSource(ctx context.Context, src catalog.Source) error {
	return s.execOne(ctx, "source", `UPDATE sources SET name=$3, updated_at=$4 WHERE tenant_id=$1 AND id=$2`,
		src.TenantID, src.ID, src.Name, src.UpdatedAt)
}

// Source implements catalog.Store.
func (s *CatalogStore) Source(ctx context.Context, tenant core.TenantID, id string) (catalog.Source, error) {
	var src catalog.Source
	err := s.db.Pool.QueryRow(ctx, `SELECT id, tenant_id, name, created_at, updated_at FROM sources WHERE tenant_id=$1 AND id=$2`, tenant, id).
		Scan(&src.ID, &src.TenantID, &src.Name, &src.CreatedAt, &src.UpdatedAt)
	return src, translate(err, "source")
}

// Sources implements catalog.Store.
func (s *CatalogStore) Sources(ctx context.Context, tenant core.TenantID) ([]catalog.Source, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT id, tenant_id, name, created_at, updated_at FROM sources WHERE tenant_id=$1 ORDER BY created_at DESC, id`, tenant)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r pgx.CollectableRow) (catalog.Source, error) {
		var src catalog.Source
		return src, r.Scan(&src.ID, &src.TenantID, &src.Name, &src.CreatedAt, &src.UpdatedAt)
	})
}

// DeleteSource implements catalog.Store.
func (s *CatalogStore) DeleteSource(ctx context.Context, tenant core.TenantID, id string) error {
	err := s.execOne(ctx, "source", `DELETE FROM sources WHERE tenant_id=$1 AND id=$2`, tenant, id)
	if core.KindOf(err) == core.KindInvalid {
		return core.Errorf(core.KindConflict, "the source is used by a campaign")
	}
	return err
}

const campaignCols = `id, tenant_id, name, offer_id, coalesce(landing_id, ''), coalesce(source_id, ''), status, fallback_url, created_at, updated_at`

func scanCampaign(r pgx.Row) (catalog.Campaign, error) {
	var c catalog.Campaign
	err := r.Scan(&c.ID, &c.TenantID, &c.Name, &c.OfferID, &c.LandingID, &c.SourceID, &c.Status, &c.FallbackURL, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateCampaign implements catalog.Store.
func (s *CatalogStore) CreateCampaign(ctx context.Context, c catalog.Campaign) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO campaigns (id, tenant_id, name, offer_id, landing_id, source_id, status, fallback_url, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, c.ID, c.TenantID, c.Name, c.OfferID, nullable(c.LandingID), nullable(c.SourceID),
		c.Status, c.FallbackURL, c.CreatedAt, c.UpdatedAt)
	return translate(err, "campaign")
}

// UpdateCampaign implements catalog.Store.
func (s *CatalogStore) UpdateCampaign(ctx context.Context, c catalog.Campaign) error {
	return s.execOne(ctx, "campaign", `UPDATE campaigns SET name=$3, offer_id=$4, landing_id=$5, source_id=$6, status=$7,
		fallback_url=$8, updated_at=$9 WHERE tenant_id=$1 AND id=$2`, c.TenantID, c.ID, c.Name, c.OfferID,
		nullable(c.LandingID), nullable(c.SourceID), c.Status, c.FallbackURL, c.UpdatedAt)
}

// Campaign implements catalog.Store.
func (s *CatalogStore) Campaign(ctx context.Context, tenant core.TenantID, id string) (catalog.Campaign, error) {
	c, err := scanCampaign(s.db.Pool.QueryRow(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE tenant_id=$1 AND id=$2`, tenant, id))
	return c, translate(err, "campaign")
}

// Campaigns implements catalog.Store.
func (s *CatalogStore) Campaigns(ctx context.Context, tenant core.TenantID) ([]catalog.Campaign, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE tenant_id=$1 ORDER BY created_at DESC, id`, tenant)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r pgx.CollectableRow) (catalog.Campaign, error) { return scanCampaign(r) })
}

// ArchiveCampaign implements catalog.Store.
func (s *CatalogStore) ArchiveCampaign(ctx context.Context, tenant core.TenantID, id string) error {
	return s.execOne(ctx, "campaign", `UPDATE campaigns SET status='archived', updated_at=now() WHERE tenant_id=$1 AND id=$2`, tenant, id)
}

// PartnerCampaign implements catalog.Store. An advisory lock per offer keeps
// two concurrent calls from creating two campaigns.
func (s *CatalogStore) PartnerCampaign(ctx context.Context, tenant core.TenantID, offerID string, c catalog.Campaign) (catalog.Campaign, error) {
	var out catalog.Campaign
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('partner-campaign:' || $1))`, offerID); err != nil {
			return err
		}
		var err error
		out, err = scanCampaign(tx.QueryRow(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE tenant_id=$1 AND offer_id=$2
			AND status='active' ORDER BY created_at, id LIMIT 1`, tenant, offerID))
		if err != pgx.ErrNoRows {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO campaigns (id, tenant_id, name, offer_id, status, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			c.ID, tenant, c.Name, offerID, c.Status, c.CreatedAt, c.UpdatedAt)
		out = c
		return translate(err, "campaign")
	})
	if err != nil {
		return catalog.Campaign{}, fmt.Errorf("partner campaign: %w", err)
	}
	return out, nil
}

// collectAll collects rows with fn, returning an empty (not nil) slice.
func collectAll[T any](rows pgx.Rows, fn pgx.RowToFunc[T]) ([]T, error) {
	out, err := pgx.CollectRows(rows, fn)
	if out == nil {
		out = []T{}
	}
	return out, err
}
