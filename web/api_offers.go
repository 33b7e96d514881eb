package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
)

// unavailable answers 503 for routes whose service is not wired.
func (s *Server) unavailable(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, core.Errorf(core.KindUnavailable, "%s is not configured", what))
	}
}

// jsonDecimal accepts a decimal as a JSON string ("10.50") or number (10.5).
type jsonDecimal struct {
	core.Decimal
	field string
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *jsonDecimal) UnmarshalJSON(b []byte) error {
	v, err := core.ParseDecimal(strings.Trim(string(b), `"`))
	if err != nil {
		return core.Invalid(d.field, "must be a decimal number such as \"10.50\"")
	}
	d.Decimal = v
	return nil
}

// offerRequest is the body of POST and PUT /api/v1/offers.
type offerRequest struct {
	Name        string      `json:"name"`
	URL         string      `json:"url"`
	Status      string      `json:"status"`
	Payout      jsonDecimal `json:"payout"`
	Currency    string      `json:"currency"`
	Countries   []string    `json:"countries"`
	DailyCap    int         `json:"daily_cap"`
	TotalCap    int         `json:"total_cap"`
	FallbackURL string      `json:"fallback_url"`
}

func (q offerRequest) offer(id string) catalog.Offer {
	return catalog.Offer{ID: id, Name: q.Name, URL: q.URL, Status: q.Status, Payout: q.Payout.Decimal,
		Currency: core.Currency(q.Currency), Countries: q.Countries, DailyCap: q.DailyCap, TotalCap: q.TotalCap,
		FallbackURL: q.FallbackURL}
}

func decodeOffer(w http.ResponseWriter, r *http.Request) (offerRequest, error) {
	q := offerRequest{Payout: jsonDecimal{field: "payout"}}
	return q, decode(w, r, &q)
}

// handleOfferList serves GET /api/v1/offers.
func (s *Server) handleOfferList(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		offers, err := c.Offers(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, list[catalog.Offer]{Items: offers})
	}
}

// handleOfferCreate serves POST /api/v1/offers.
func (s *Server) handleOfferCreate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := decodeOffer(w, r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		o, err := c.CreateOffer(r.Context(), principal(r).TenantID, q.offer(""))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, o)
	}
}

// handleOfferGet serves GET /api/v1/offers/{id}.
func (s *Server) handleOfferGet(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		o, err := c.Offer(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, o)
	}
}

// handleOfferUpdate serves PUT /api/v1/offers/{id}: the body replaces the offer.
func (s *Server) handleOfferUpdate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := decodeOffer(w, r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		o, err := c.UpdateOffer(r.Context(), principal(r).TenantID, q.offer(chi.URLParam(r, "id")))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, o)
	}
}

// handleOfferDelete serves DELETE /api/v1/offers/{id}: the offer is archived.
func (s *Server) handleOfferDelete(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if err := c.DeleteOffer(r.Context(), principal(r).TenantID, chi.URLParam(r, "id")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// grantsRequest is the body of PUT /api/v1/partners/{id}/offers.
type grantsRequest struct {
	OfferIDs []string `json:"offer_ids"`
}

// handleGrantsPut serves PUT /api/v1/partners/{id}/offers: the offers the
// partner may see and promote (all others are private to it).
func (s *Server) handleGrantsPut(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var q grantsRequest
		if err := decode(w, r, &q); err != nil {
			s.writeError(w, r, err)
			return
		}
		if q.OfferIDs == nil {
			s.writeError(w, r, core.Invalid("offer_ids", "is required (an empty list revokes every offer)"))
			return
		}
		id := chi.URLParam(r, "id")
		ids, err := c.SetGrants(r.Context(), principal(r).TenantID, id, q.OfferIDs)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]any{"partner_id": id, "offer_ids": ids})
	}
}

var _ json.Unmarshaler = (*jsonDecimal)(nil)
