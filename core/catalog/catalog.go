// Package catalog is what an advertiser sells and how traffic reaches it:
// offers (destination URL with macros, default payout, allowed countries,
// caps with a fallback URL), landings, traffic sources, campaigns, and which
// partner may promote which offer (offers are private until granted).
//
// Every change is announced through a Notifier so the click path's in-memory
// snapshot on every node reloads within a second.
package catalog

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
)

// Statuses of offers and campaigns.
const (
	StatusActive   = "active"
	StatusPaused   = "paused"
	StatusArchived = "archived"
)

// Offer is something a partner promotes: a destination and what an approved
// conversion pays by default.
type Offer struct {
	ID          string        `json:"id"`
	TenantID    core.TenantID `json:"-"`
	Name        string        `json:"name"`
	URL         string        `json:"url"`
	Status      string        `json:"status"`
	Payout      core.Decimal  `json:"payout"`
	Currency    core.Currency `json:"currency"`
	Countries   []string      `json:"countries"`
	DailyCap    int           `json:"daily_cap"`
	TotalCap    int           `json:"total_cap"`
	FallbackURL string        `json:"fallback_url"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// Landing is a page shown before the offer.
type Landing struct {
	ID        string        `json:"id"`
	TenantID  core.TenantID `json:"-"`
	Name      string        `json:"name"`
	URL       string        `json:"url"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// Source is a traffic source (an ad network, a newsletter...).
type Source struct {
	ID        string        `json:"id"`
	TenantID  core.TenantID `json:"-"`
	Name      string        `json:"name"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// Campaign sends traffic to an offer, optionally through a landing, and
// attributes it to a source.
type Campaign struct {
	ID          string        `json:"id"`
	TenantID    core.TenantID `json:"-"`
	Name        string        `json:"name"`
	OfferID     string        `json:"offer_id"`
	LandingID   string        `json:"landing_id,omitempty"`
	SourceID    string        `json:"source_id,omitempty"`
	Status      string        `json:"status"`
	FallbackURL string        `json:"fallback_url"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// Store persists the catalogue. Every method is scoped to one tenant: an id
// of another tenant is not found.
type Store interface {
	CreateOffer(ctx context.Context, o Offer) error
	UpdateOffer(ctx context.Context, o Offer) error
	Offer(ctx context.Context, tenant core.TenantID, id string) (Offer, error)
	Offers(ctx context.Context, tenant core.TenantID) ([]Offer, error)
	// ArchiveOffer marks an offer archived (campaigns and history keep it).
	ArchiveOffer(ctx context.Context, tenant core.TenantID, id string) error

	CreateLanding(ctx context.Context, l Landing) error
	UpdateLanding(ctx context.Context, l Landing) error
	Landing(ctx context.Context, tenant core.TenantID, id string) (Landing, error)
	Landings(ctx context.Context, tenant core.TenantID) ([]Landing, error)
	DeleteLanding(ctx context.Context, tenant core.TenantID, id string) error

	CreateSource(ctx context.Context, s Source) error
	UpdateSource(ctx context.Context, s Source) error
	Source(ctx context.Context, tenant core.TenantID, id string) (Source, error)
	Sources(ctx context.Context, tenant core.TenantID) ([]Source, error)
	DeleteSource(ctx context.Context, tenant core.TenantID, id string) error

	CreateCampaign(ctx context.Context, c Campaign) error
	UpdateCampaign(ctx context.Context, c Campaign) error
	Campaign(ctx context.Context, tenant core.TenantID, id string) (Campaign, error)
	Campaigns(ctx context.Context, tenant core.TenantID) ([]Campaign, error)
	ArchiveCampaign(ctx context.Context, tenant core.TenantID, id string) error
	// PartnerCampaign returns the oldest active campaign of offer, or creates
	// c when the offer has none (partner links need a campaign).
	PartnerCampaign(ctx context.Context, tenant core.TenantID, offerID string, c Campaign) (Campaign, error)

	// SetGrants replaces the offers partner may promote; unknown partner or
	// offer ids of the tenant are not found.
	SetGrants(ctx context.Context, tenant core.TenantID, partnerID string, offerIDs []string) error
	// Grants lists the offer ids granted to partner.
	Grants(ctx context.Context, tenant core.TenantID, partnerID string) ([]string, error)
	// PartnerOffers lists the active offers granted to partner.
	PartnerOffers(ctx context.Context, tenant core.TenantID, partnerID string) ([]Offer, error)
}

// Notifier announces that a tenant's catalogue changed, so every node's
// click snapshot reloads.
type Notifier interface {
	CatalogChanged(ctx context.Context, tenant core.TenantID)
}
