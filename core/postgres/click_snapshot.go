package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
)

// LoadSnapshot implements click.SnapshotLoader: every campaign that is not
// archived (of tenants not suspended), with its offer's rules, the partners
// granted the offer, and whether the offer reached a cap at now.
func (s *ClickStore) LoadSnapshot(ctx context.Context, now time.Time) (*click.Snapshot, error) {
	snap := &click.Snapshot{Routes: map[string]*click.Route{}, LoadedAt: now}
	caps := map[string][2]int{} // offer → daily, total cap
	rows, err := s.db.Pool.Query(ctx, `
		SELECT c.tenant_id, c.id, c.offer_id, coalesce(c.landing_id, ''), coalesce(c.source_id, ''),
		       c.status = 'active' AND o.status = 'active', coalesce(l.url, o.url),
		       coalesce(nullif(c.fallback_url, ''), o.fallback_url), o.countries, o.daily_cap, o.total_cap
		FROM campaigns c
		JOIN offers o ON o.tenant_id = c.tenant_id AND o.id = c.offer_id
		JOIN tenants t ON t.id = c.tenant_id AND t.status <> 'suspended'
		LEFT JOIN landings l ON l.tenant_id = c.tenant_id AND l.id = c.landing_id
		WHERE c.status <> $1 AND o.status <> $1`, catalog.StatusArchived)
	if err != nil {
		return nil, fmt.Errorf("load snapshot: %w", err)
	}
	for rows.Next() {
		r := &click.Route{}
		var daily, total int
		if err := rows.Scan(&r.TenantID, &r.CampaignID, &r.OfferID, &r.LandingID, &r.SourceID, &r.Serving,
			&r.Destination, &r.Fallback, &r.Countries, &daily, &total); err != nil {
			rows.Close()
			return nil, err
		}
		snap.Routes[r.CampaignID] = r
		if daily > 0 || total > 0 {
			caps[r.OfferID] = [2]int{daily, total}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	partners, err := s.grants(ctx)
	if err != nil {
		return nil, err
	}
	capped, err := s.capped(ctx, caps, now)
	if err != nil {
		return nil, err
	}
	for _, r := range snap.Routes {
		r.Partners, r.Capped = partners[r.OfferID], capped[r.OfferID]
	}
	return snap, nil
}

// grants returns, per offer, the active partners granted it.
func (s *ClickStore) grants(ctx context.Context) (map[string]map[string]bool, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT g.offer_id, g.partner_id FROM partner_offers g
		JOIN partners p ON p.tenant_id = g.tenant_id AND p.id = g.partner_id WHERE p.status = 'active'`)
	if err != nil {
		return nil, fmt.Errorf("load grants: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var offer, partner string
		if err := rows.Scan(&offer, &partner); err != nil {
			return nil, err
		}
		if out[offer] == nil {
			out[offer] = map[string]bool{}
		}
		out[offer][partner] = true
	}
	return out, rows.Err()
}

// capped returns the offers whose counted conversions (not rejected, not
// test) reached the daily cap (UTC day of now) or the total cap.
func (s *ClickStore) capped(ctx context.Context, caps map[string][2]int, now time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	if len(caps) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(caps))
	for id := range caps {
		ids = append(ids, id)
	}
	day := now.UTC().Truncate(24 * time.Hour)
	rows, err := s.db.Pool.Query(ctx, `SELECT offer_id, count(*) FILTER (WHERE created_at >= $2), count(*)
		FROM conversions WHERE offer_id = ANY($1) AND status <> 'rejected' AND NOT test GROUP BY offer_id`, ids, day)
	if err != nil {
		return nil, fmt.Errorf("load caps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var today, total int
		if err := rows.Scan(&id, &today, &total); err != nil {
			return nil, err
		}
		c := caps[id]
		out[id] = (c[0] > 0 && today >= c[0]) || (c[1] > 0 && total >= c[1])
	}
	return out, rows.Err()
}
