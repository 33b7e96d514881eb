package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
)

// unavailable answers 503 for routes whose service is not wired.
func (s *Server) unavailable(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, core.Errorf(core.KindUnavailable, "%s is not configured", what))
	}
}

// payoutDecimal is the offer's payout: a decimal as a JSON string ("10.50")
// or number (10.5).
type payoutDecimal struct{ core.Decimal }

// UnmarshalJSON implements json.Unmarshaler.
func (d *payoutDecimal) UnmarshalJSON(b []byte) error {
	v, err := core.ParseDecimal(strings.Trim(string(b), `"`))
	if err != nil {
		return core.Invalid("payout", "must be a decimal number such as \"10.50\"")
	}
	d.Decimal = v
	return nil
}

// offerRequest is the body of POST and PUT /api/v1/offers.
type offerRequest struct {
	Name        string        `json:"name"`
	URL         string        `json:"url"`
	Status      string        `json:"status"`
	Payout      payoutDecimal `json:"payout"`
	Currency    string        `json:"currency"`
	Countries   []string      `json:"countries"`
	DailyCap    int           `json:"daily_cap"`
	TotalCap    int           `json:"total_cap"`
	FallbackURL string        `json:"fallback_url"`
}

func (q offerRequest) offer(id string) catalog.Offer {
	return catalog.Offer{ID: id, Name: q.Name, URL: q.URL, Status: q.Status, Payout: q.Payout.Decimal,
		Currency: core.Currency(q.Currency), Countries: q.Countries, DailyCap: q.DailyCap, TotalCap: q.TotalCap,
		FallbackURL: q.FallbackURL}
}

// handleOfferList serves GET /api/v1/offers.
func (s *Server) handleOfferList(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveList(s, c.Offers)
}

// handleOfferCreate serves POST /api/v1/offers.
func (s *Server) handleOfferCreate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusCreated, func(ctx context.Context, t core.TenantID, _ string, q offerRequest) (catalog.Offer, error) {
		return c.CreateOffer(ctx, t, q.offer(""))
	})
}

// handleOfferGet serves GET /api/v1/offers/{id}.
func (s *Server) handleOfferGet(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveGet(s, c.Offer)
}

// handleOfferUpdate serves PUT /api/v1/offers/{id}: the body replaces the offer.
func (s *Server) handleOfferUpdate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusOK, func(ctx context.Context, t core.TenantID, id string, q offerRequest) (catalog.Offer, error) {
		return c.UpdateOffer(ctx, t, q.offer(id))
	})
}

// handleOfferDelete serves DELETE /api/v1/offers/{id}: the offer is archived.
func (s *Server) handleOfferDelete(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveDelete(s, c.DeleteOffer)
}

// grantsRequest is the body of PUT /api/v1/partners/{id}/offers.
type grantsRequest struct {
	OfferIDs []string `json:"offer_ids"`
}

// grantsView is the answer of PUT /api/v1/partners/{id}/offers.
type grantsView struct {
	PartnerID string   `json:"partner_id"`
	OfferIDs  []string `json:"offer_ids"`
}

// handleGrantsPut serves PUT /api/v1/partners/{id}/offers: the offers the
// partner may see and promote (all others are private to it).
func (s *Server) handleGrantsPut(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusOK, func(ctx context.Context, t core.TenantID, id string, q grantsRequest) (grantsView, error) {
		if q.OfferIDs == nil {
			return grantsView{}, core.Invalid("offer_ids", "is required (an empty list revokes every offer)")
		}
		ids, err := c.SetGrants(ctx, t, id, q.OfferIDs)
		return grantsView{PartnerID: id, OfferIDs: ids}, err
	})
}

// handleGrantsGet serves GET /api/v1/partners/{id}/offers: the offers
// granted to the partner.
func (s *Server) handleGrantsGet(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveGet(s, func(ctx context.Context, t core.TenantID, id string) (grantsView, error) {
		ids, err := c.Grants(ctx, t, id)
		return grantsView{PartnerID: id, OfferIDs: ids}, err
	})
}

var _ json.Unmarshaler = (*payoutDecimal)(nil)
