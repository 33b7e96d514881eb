package catalog

import (
	"context"
	"fmt"

	"github.com/affcore/affcore/core"
)

// CreateLanding validates and stores a landing.
func (s *Service) CreateLanding(ctx context.Context, tenant core.TenantID, l Landing) (Landing, error) {
	if err := l.normalize(); err != nil {
		return Landing{}, err
	}
	l.ID, l.TenantID, l.CreatedAt, l.UpdatedAt = core.NewID("lnd"), tenant, s.clock.Now(), s.clock.Now()
	if err := s.store.CreateLanding(ctx, l); err != nil {
		return Landing{}, fmt.Errorf("create landing: %w", err)
	}
	return l, nil
}

// UpdateLanding replaces a landing's name and URL.
func (s *Service) UpdateLanding(ctx context.Context, tenant core.TenantID, l Landing) (Landing, error) {
	old, err := s.store.Landing(ctx, tenant, l.ID)
	if err != nil {
		return Landing{}, err
	}
	if err := l.normalize(); err != nil {
		return Landing{}, err
	}
	l.TenantID, l.CreatedAt, l.UpdatedAt = tenant, old.CreatedAt, s.clock.Now()
	if err := s.store.UpdateLanding(ctx, l); err != nil {
		return Landing{}, fmt.Errorf("update landing: %w", err)
	}
	s.changed(ctx, tenant)
	return l, nil
}

// Landing returns one landing.
func (s *Service) Landing(ctx context.Context, tenant core.TenantID, id string) (Landing, error) {
	return s.store.Landing(ctx, tenant, id)
}

// Landings lists the tenant's landings.
func (s *Service) Landings(ctx context.Context, tenant core.TenantID) ([]Landing, error) {
	return s.store.Landings(ctx, tenant)
}

// DeleteLanding removes a landing no campaign uses.
func (s *Service) DeleteLanding(ctx context.Context, tenant core.TenantID, id string) error {
	return s.store.DeleteLanding(ctx, tenant, id)
}

// CreateSource validates and stores a traffic source.
func (s *Service) CreateSource(ctx context.Context, tenant core.TenantID, src Source) (Source, error) {
	if err := src.normalize(); err != nil {
		return Source{}, err
	}
	src.ID, src.TenantID, src.CreatedAt, src.UpdatedAt = core.NewID("src"), tenant, s.clock.Now(), s.clock.Now()
	if err := s.store.CreateSource(ctx, src); err != nil {
		return Source{}, fmt.Errorf("create source: %w", err)
	}
	return src, nil
}

// UpdateSource renames a traffic source.
func (s *Service) UpdateSource(ctx context.Context, tenant core.TenantID, src Source) (Source, error) {
	old, err := s.store.Source(ctx, tenant, src.ID)
	if err != nil {
		return Source{}, err
	}
	if err := src.normalize(); err != nil {
		return Source{}, err
	}
	src.TenantID, src.CreatedAt, src.UpdatedAt = tenant, old.CreatedAt, s.clock.Now()
	if err := s.store.UpdateSource(ctx, src); err != nil {
		return Source{}, fmt.Errorf("update source: %w", err)
	}
	return src, nil
}

// Source returns one traffic source.
func (s *Service) Source(ctx context.Context, tenant core.TenantID, id string) (Source, error) {
	return s.store.Source(ctx, tenant, id)
}

// Sources lists the tenant's traffic sources.
func (s *Service) Sources(ctx context.Context, tenant core.TenantID) ([]Source, error) {
	return s.store.Sources(ctx, tenant)
}

// DeleteSource removes a source no campaign uses.
func (s *Service) DeleteSource(ctx context.Context, tenant core.TenantID, id string) error {
	return s.store.DeleteSource(ctx, tenant, id)
}

// CreateCampaign validates and stores a campaign; its offer, landing and
// source must belong to the tenant.
func (s *Service) CreateCampaign(ctx context.Context, tenant core.TenantID, c Campaign) (Campaign, error) {
	if err := c.normalize(); err != nil {
		return Campaign{}, err
	}
	if err := s.checkRefs(ctx, tenant, c); err != nil {
		return Campaign{}, err
	}
	c.ID, c.TenantID, c.CreatedAt, c.UpdatedAt = core.NewID("cmp"), tenant, s.clock.Now(), s.clock.Now()
	if err := s.store.CreateCampaign(ctx, c); err != nil {
		return Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	s.changed(ctx, tenant)
	return c, nil
}

// UpdateCampaign replaces a campaign's settings.
func (s *Service) UpdateCampaign(ctx context.Context, tenant core.TenantID, c Campaign) (Campaign, error) {
	old, err := s.store.Campaign(ctx, tenant, c.ID)
	if err != nil {
		return Campaign{}, err
	}
	if err := c.normalize(); err != nil {
		return Campaign{}, err
	}
	if err := s.checkRefs(ctx, tenant, c); err != nil {
		return Campaign{}, err
	}
	c.TenantID, c.CreatedAt, c.UpdatedAt = tenant, old.CreatedAt, s.clock.Now()
	if err := s.store.UpdateCampaign(ctx, c); err != nil {
		return Campaign{}, fmt.Errorf("update campaign: %w", err)
	}
	s.changed(ctx, tenant)
	return c, nil
}

// checkRefs turns references to another tenant's (or no) rows into field errors.
func (s *Service) checkRefs(ctx context.Context, tenant core.TenantID, c Campaign) error {
	var v core.Validator
	if _, err := s.store.Offer(ctx, tenant, c.OfferID); err != nil {
		if core.KindOf(err) != core.KindNotFound {
			return err
		}
		v.Add("offer_id", "no such offer")
	}
	if c.LandingID != "" {
		if _, err := s.store.Landing(ctx, tenant, c.LandingID); err != nil {
			if core.KindOf(err) != core.KindNotFound {
				return err
			}
			v.Add("landing_id", "no such landing")
		}
	}
	if c.SourceID != "" {
		if _, err := s.store.Source(ctx, tenant, c.SourceID); err != nil {
			if core.KindOf(err) != core.KindNotFound {
				return err
			}
			v.Add("source_id", "no such source")
		}
	}
	return v.Err()
}

// Campaign returns one campaign.
func (s *Service) Campaign(ctx context.Context, tenant core.TenantID, id string) (Campaign, error) {
	return s.store.Campaign(ctx, tenant, id)
}

// Campaigns lists the tenant's campaigns, newest first.
func (s *Service) Campaigns(ctx context.Context, tenant core.TenantID) ([]Campaign, error) {
	return s.store.Campaigns(ctx, tenant)
}

// DeleteCampaign archives a campaign: its links stop redirecting.
func (s *Service) DeleteCampaign(ctx context.Context, tenant core.TenantID, id string) error {
	if err := s.store.ArchiveCampaign(ctx, tenant, id); err != nil {
		return fmt.Errorf("delete campaign: %w", err)
	}
	s.changed(ctx, tenant)
	return nil
}
