package catalog

import (
	"context"
	"fmt"
	"slices"

	"github.com/affcore/affcore/core"
)

// Service manages a tenant's catalogue.
type Service struct {
	store  Store
	notify Notifier
	clock  core.Clock
}

// NewService returns a catalogue service.
func NewService(store Store, notify Notifier, clock core.Clock) *Service {
	return &Service{store: store, notify: notify, clock: clock}
}

// changed tells every node's click snapshot to reload.
func (s *Service) changed(ctx context.Context, tenant core.TenantID) {
	if s.notify != nil {
		s.notify.CatalogChanged(ctx, tenant)
	}
}

// CreateOffer validates and stores a new offer.
func (s *Service) CreateOffer(ctx context.Context, tenant core.TenantID, o Offer) (Offer, error) {
	if err := o.normalize(); err != nil {
		return Offer{}, err
	}
	o.ID, o.TenantID = core.NewID("off"), tenant
	o.CreatedAt, o.UpdatedAt = s.clock.Now(), s.clock.Now()
	if err := s.store.CreateOffer(ctx, o); err != nil {
		return Offer{}, fmt.Errorf("create offer: %w", err)
	}
	s.changed(ctx, tenant)
	return o, nil
}

// UpdateOffer replaces an offer's settings.
func (s *Service) UpdateOffer(ctx context.Context, tenant core.TenantID, o Offer) (Offer, error) {
	old, err := s.store.Offer(ctx, tenant, o.ID)
	if err != nil {
		return Offer{}, err
	}
	if err := o.normalize(); err != nil {
		return Offer{}, err
	}
	o.TenantID, o.CreatedAt, o.UpdatedAt = tenant, old.CreatedAt, s.clock.Now()
	if err := s.store.UpdateOffer(ctx, o); err != nil {
		return Offer{}, fmt.Errorf("update offer: %w", err)
	}
	s.changed(ctx, tenant)
	return o, nil
}

// Offer returns one offer.
func (s *Service) Offer(ctx context.Context, tenant core.TenantID, id string) (Offer, error) {
	return s.store.Offer(ctx, tenant, id)
}

// Offers lists the tenant's offers, newest first.
func (s *Service) Offers(ctx context.Context, tenant core.TenantID) ([]Offer, error) {
	return s.store.Offers(ctx, tenant)
}

// DeleteOffer archives an offer: its clicks and conversions keep pointing at
// it, and its campaigns stop sending traffic to it.
func (s *Service) DeleteOffer(ctx context.Context, tenant core.TenantID, id string) error {
	if err := s.store.ArchiveOffer(ctx, tenant, id); err != nil {
		return fmt.Errorf("delete offer: %w", err)
	}
	s.changed(ctx, tenant)
	return nil
}

// SetGrants replaces the offers a partner may see and promote.
func (s *Service) SetGrants(ctx context.Context, tenant core.TenantID, partnerID string, offerIDs []string) ([]string, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(offerIDs)))
	if ids == nil {
		ids = []string{} // an empty list revokes every grant (nil would reach SQL as NULL)
	}
	var v core.Validator
	v.Check(len(ids) <= 10000, "offer_ids", "at most 10000 offers")
	v.Check(!slices.Contains(ids, ""), "offer_ids", "must not hold empty ids")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.store.SetGrants(ctx, tenant, partnerID, ids); err != nil {
		return nil, fmt.Errorf("grant offers: %w", err)
	}
	s.changed(ctx, tenant)
	return ids, nil
}

// Grants lists the offer ids granted to a partner.
func (s *Service) Grants(ctx context.Context, tenant core.TenantID, partnerID string) ([]string, error) {
	return s.store.Grants(ctx, tenant, partnerID)
}

// PartnerOffers lists the active offers a partner was granted.
func (s *Service) PartnerOffers(ctx context.Context, tenant core.TenantID, partnerID string) ([]Offer, error) {
	return s.store.PartnerOffers(ctx, tenant, partnerID)
}

// PartnerCampaign returns the campaign a partner's link for offerID runs
// through: the offer's oldest active campaign, created when there is none.
// The partner must have been granted the offer.
func (s *Service) PartnerCampaign(ctx context.Context, tenant core.TenantID, partnerID, offerID string) (Campaign, error) {
	granted, err := s.store.Grants(ctx, tenant, partnerID)
	if err != nil {
		return Campaign{}, err
	}
	if !slices.Contains(granted, offerID) {
		return Campaign{}, core.Errorf(core.KindNotFound, "offer not found")
	}
	o, err := s.store.Offer(ctx, tenant, offerID)
	if err != nil {
		return Campaign{}, err
	}
	if o.Status != StatusActive {
		return Campaign{}, core.Errorf(core.KindNotFound, "offer not found")
	}
	now := s.clock.Now()
	c := Campaign{ID: core.NewID("cmp"), TenantID: tenant, Name: o.Name + " (partner links)", OfferID: offerID,
		Status: StatusActive, CreatedAt: now, UpdatedAt: now}
	c, err = s.store.PartnerCampaign(ctx, tenant, offerID, c)
	if err != nil {
		return Campaign{}, fmt.Errorf("partner campaign: %w", err)
	}
	s.changed(ctx, tenant)
	return c, nil
}
