package commission

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// Terms attach a commission model to a partner, an offer or a campaign, or
// to a partner on one offer or campaign, from EffectiveFrom until
// EffectiveTo (open when zero).
//
// Precedence: for a conversion, the terms in effect at the time it occurred
// are looked up at five levels, most specific first, and the first level
// with terms wins:
//
//  1. partner + campaign
//  2. partner + offer
//  3. partner (all the partner's offers)
//  4. campaign (all partners)
//  5. offer (all partners)
//
// Within a level the terms with the latest EffectiveFrom win. Without any
// terms the offer's default payout is a CPA commission. Terms are immutable:
// a change is a new row from a future date, and ending terms only closes
// them, so a change never rewrites a commission already decided. A
// conversion also keeps the terms it was first decided under for all its
// later transitions.
type Terms struct {
	ID            string          `json:"id"`
	PartnerID     string          `json:"partner_id,omitempty"`
	OfferID       string          `json:"offer_id,omitempty"`
	CampaignID    string          `json:"campaign_id,omitempty"`
	Model         string          `json:"model"`
	Params        json.RawMessage `json:"params"`
	EffectiveFrom time.Time       `json:"effective_from"`
	EffectiveTo   *time.Time      `json:"effective_to,omitempty"`
	CreatedBy     string          `json:"created_by,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
}

// Scope names the level a set of terms attaches at.
type Scope string

// Scopes, from most to least specific; ScopeOfferDefault is the offer's
// default payout used when no terms apply.
const (
	ScopePartnerCampaign Scope = "partner_campaign"
	ScopePartnerOffer    Scope = "partner_offer"
	ScopePartner         Scope = "partner"
	ScopeCampaign        Scope = "campaign"
	ScopeOffer           Scope = "offer"
	ScopeOfferDefault    Scope = "offer_default"
)

// Scope returns the level t attaches at.
func (t Terms) Scope() Scope {
	switch {
	case t.PartnerID != "" && t.CampaignID != "":
		return ScopePartnerCampaign
	case t.PartnerID != "" && t.OfferID != "":
		return ScopePartnerOffer
	case t.PartnerID != "":
		return ScopePartner
	case t.CampaignID != "":
		return ScopeCampaign
	}
	return ScopeOffer
}

// rank orders scopes by precedence (lower wins).
func (s Scope) rank() int {
	switch s {
	case ScopePartnerCampaign:
		return 1
	case ScopePartnerOffer:
		return 2
	case ScopePartner:
		return 3
	case ScopeCampaign:
		return 4
	case ScopeOffer:
		return 5
	}
	return 6
}

// ActiveAt reports whether t is in effect at instant at.
func (t Terms) ActiveAt(at time.Time) bool {
	return !t.EffectiveFrom.After(at) && (t.EffectiveTo == nil || t.EffectiveTo.After(at))
}

// Applies reports whether t attaches to a conversion of partner on offer
// through campaign.
func (t Terms) Applies(partner, offer, campaign string) bool {
	return (t.PartnerID == "" || t.PartnerID == partner) && (t.OfferID == "" || t.OfferID == offer) &&
		(t.CampaignID == "" || t.CampaignID == campaign)
}

// Pick returns the terms that win for a conversion of partner on offer
// through campaign at instant at, by the precedence above, or false.
func Pick(cands []Terms, partner, offer, campaign string, at time.Time) (Terms, bool) {
	var best Terms
	found := false
	for _, t := range cands {
		if !t.ActiveAt(at) || !t.Applies(partner, offer, campaign) {
			continue
		}
		if !found || t.Scope().rank() < best.Scope().rank() ||
			(t.Scope() == best.Scope() && t.EffectiveFrom.After(best.EffectiveFrom)) {
			best, found = t, true
		}
	}
	return best, found
}

// TermsFilter selects terms to list. Zero ActiveAt lists every version.
type TermsFilter struct {
	PartnerID  string
	OfferID    string
	CampaignID string
	ActiveAt   time.Time
}

// NewTerms is the input for CreateTerms.
type NewTerms struct {
	PartnerID     string          `json:"partner_id"`
	OfferID       string          `json:"offer_id"`
	CampaignID    string          `json:"campaign_id"`
	Model         string          `json:"model"`
	Params        json.RawMessage `json:"params"`
	EffectiveFrom *time.Time      `json:"effective_from"`
}

// CreateTerms validates and stores new terms. EffectiveFrom defaults to now
// and may not lie in the past: past commissions are never rewritten.
func (s *Service) CreateTerms(ctx context.Context, tenant core.TenantID, in NewTerms, by Actor) (Terms, error) {
	now := s.clock.Now()
	t := Terms{ID: core.NewIDAt("trm", now), PartnerID: in.PartnerID, OfferID: in.OfferID, CampaignID: in.CampaignID,
		Model: in.Model, Params: in.Params, EffectiveFrom: now, CreatedBy: by.ID, CreatedAt: now}
	if in.EffectiveFrom != nil {
		t.EffectiveFrom = in.EffectiveFrom.UTC()
	}
	if len(bytes.TrimSpace(t.Params)) == 0 || string(bytes.TrimSpace(t.Params)) == "null" {
		t.Params = json.RawMessage(`{}`)
	}
	if err := s.validateTerms(ctx, tenant, t, now); err != nil {
		return Terms{}, err
	}
	if err := s.store.CreateTerms(ctx, tenant, t, by); err != nil {
		return Terms{}, fmt.Errorf("create terms: %w", err)
	}
	return t, nil
}

func (s *Service) validateTerms(ctx context.Context, tenant core.TenantID, t Terms, now time.Time) error {
	var v core.Validator
	v.Check(t.PartnerID != "" || t.OfferID != "" || t.CampaignID != "", "partner_id", "terms attach to a partner, an offer or a campaign")
	v.Check(t.OfferID == "" || t.CampaignID == "", "campaign_id", "give an offer or a campaign, not both")
	v.Check(t.Model != "", "model", "is required")
	v.Check(!t.EffectiveFrom.Before(now.Add(-time.Minute)), "effective_from", "may not lie in the past: past commissions are never rewritten")
	if !json.Valid(t.Params) || t.Params[0] != '{' {
		v.Add("params", "must be a JSON object")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.model.Validate(ctx, tenant, t.Model, t.Params)
}

// EndTerms closes terms at now (or keeps an earlier end). Commissions
// already decided under them stay as they are.
func (s *Service) EndTerms(ctx context.Context, tenant core.TenantID, id string, by Actor) (Terms, error) {
	t, err := s.store.EndTerms(ctx, tenant, id, s.clock.Now(), by)
	if err != nil {
		return Terms{}, fmt.Errorf("end terms: %w", err)
	}
	return t, nil
}

// GetTerms returns one set of terms.
func (s *Service) GetTerms(ctx context.Context, tenant core.TenantID, id string) (Terms, error) {
	return s.store.GetTerms(ctx, tenant, id)
}

// ListTerms lists terms matching f, newest first.
func (s *Service) ListTerms(ctx context.Context, tenant core.TenantID, f TermsFilter) ([]Terms, error) {
	return s.store.ListTerms(ctx, tenant, f)
}
