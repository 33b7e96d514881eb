package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/identity"
)

type partnerView struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	TwoFactor bool      `json:"two_factor"`
	InviteID  string    `json:"invite_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func newPartnerView(p identity.Partner) partnerView {
	return partnerView{ID: p.ID, Email: p.Email, Name: p.Name, Status: p.Status, TwoFactor: p.TOTPEnabled,
		InviteID: p.InviteID, CreatedAt: p.CreatedAt}
}

// handlePartnerList serves GET /api/v1/partners?status=&q=&limit=&cursor=.
func (s *Server) handlePartnerList(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (list[partnerView], error) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		f := identity.PartnerFilter{Status: q.Get("status"), Query: q.Get("q"), Limit: limit, After: q.Get("cursor")}
		parts, err := id.Partners(r.Context(), principal(r).TenantID, f)
		out := list[partnerView]{Items: mapSlice(parts, newPartnerView)}
		if f.Limit > 0 && len(parts) == f.Limit {
			out.NextCursor = parts[len(parts)-1].ID
		}
		return out, err
	})
}

// handlePartnerGet serves GET /api/v1/partners/{id}.
func (s *Server) handlePartnerGet(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (partnerView, error) {
		p, err := id.Partner(r.Context(), principal(r).TenantID, urlParam(r, "id"))
		return newPartnerView(p), err
	})
}

type partnerUpdateRequest struct {
	Name   *string `json:"name"`
	Status *string `json:"status"`
	Email  *string `json:"email"`
}

// handlePartnerUpdate serves PUT /api/v1/partners/{id} {name?, status?}.
func (s *Server) handlePartnerUpdate(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req partnerUpdateRequest) (partnerView, error) {
		if req.Email != nil {
			return partnerView{}, core.Invalid("email", "is the partner's login and cannot be changed by the advertiser")
		}
		p, err := id.UpdatePartner(r.Context(), principal(r).TenantID, urlParam(r, "id"), identity.PartnerUpdate{Name: req.Name, Status: req.Status})
		return newPartnerView(p), err
	})
}

type inviteView struct {
	ID        string     `json:"id"`
	Email     string     `json:"email,omitempty"`
	MaxUses   int        `json:"max_uses"`
	Uses      int        `json:"uses"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Token     string     `json:"token,omitempty"` // only in the create answer
	URL       string     `json:"url,omitempty"`   // only in the create answer
}

func newInviteView(i identity.PartnerInvite) inviteView {
	return inviteView{ID: i.ID, Email: i.Email, MaxUses: i.MaxUses, Uses: i.Uses, ExpiresAt: optTime(i.ExpiresAt),
		RevokedAt: optTime(i.RevokedAt), CreatedAt: i.CreatedAt}
}

type inviteRequest struct {
	Email     string    `json:"email"`
	MaxUses   int       `json:"max_uses"`
	ExpiresAt time.Time `json:"expires_at"`
}

// handleInviteCreate serves POST /api/v1/partners/invites {email?, max_uses?,
// expires_at?} → {id, token, url}: a personal partner registration link.
func (s *Server) handleInviteCreate(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusCreated, func(_ http.ResponseWriter, r *http.Request, req inviteRequest) (inviteView, error) {
		p := principal(r)
		inv, err := id.CreatePartnerInvite(r.Context(), p.TenantID, p, identity.InviteInput(req))
		v := newInviteView(inv.PartnerInvite)
		v.Token, v.URL = inv.Token, inv.URL
		return v, err
	})
}

// handleInviteList serves GET /api/v1/partners/invites.
func (s *Server) handleInviteList(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (list[inviteView], error) {
		invs, err := id.PartnerInvites(r.Context(), principal(r).TenantID)
		return list[inviteView]{Items: mapSlice(invs, newInviteView)}, err
	})
}

// handleInviteRevoke serves DELETE /api/v1/partners/invites/{id}.
func (s *Server) handleInviteRevoke(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, _ none) (none, error) {
		return none{}, id.RevokePartnerInvite(r.Context(), principal(r).TenantID, urlParam(r, "id"))
	})
}
