package web

import (
	"net/http"
	"time"

	"github.com/affcore/affcore/core/identity"
)

// tenantView is the advertiser's view of its tenant.
type tenantView struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	Slug            string             `json:"slug"`
	Plan            identity.Plan      `json:"plan"`
	Features        []identity.Feature `json:"features"`
	Status          string             `json:"status"`
	TrialEndsAt     *time.Time         `json:"trial_ends_at,omitempty"`
	Require2FA      bool               `json:"require_2fa"`
	PostbackIPAllow []string           `json:"postback_ip_allow"`
	Branding        identity.Branding  `json:"branding"`
	PortalPath      string             `json:"portal_path"`
}

func newTenantView(t identity.Tenant) tenantView {
	v := tenantView{ID: string(t.ID), Name: t.Name, Slug: t.Slug, Plan: t.Plan, Features: t.Plan.Features(), Status: t.Status,
		Require2FA: t.Require2FA, PostbackIPAllow: t.PostbackIPAllow, Branding: t.Branding, PortalPath: "/p/" + t.Slug}
	if !t.TrialEndsAt.IsZero() {
		v.TrialEndsAt = &t.TrialEndsAt
	}
	if v.PostbackIPAllow == nil {
		v.PostbackIPAllow = []string{}
	}
	return v
}

// handleTenantGet serves GET /api/v1/tenant.
func (s *Server) handleTenantGet(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (tenantView, error) {
		t, err := id.Tenant(r.Context(), principal(r).TenantID)
		return newTenantView(t), err
	})
}

type tenantUpdateRequest struct {
	Name            *string            `json:"name"`
	Require2FA      *bool              `json:"require_2fa"`
	PostbackIPAllow *[]string          `json:"postback_ip_allow"`
	Branding        *identity.Branding `json:"branding"`
}

// handleTenantUpdate serves PUT /api/v1/tenant: name, require_2fa,
// postback_ip_allow and branding (partner portal name, logo, colours).
func (s *Server) handleTenantUpdate(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req tenantUpdateRequest) (tenantView, error) {
		t, err := id.UpdateTenant(r.Context(), principal(r).TenantID, identity.TenantUpdate(req))
		return newTenantView(t), err
	})
}

type postbackTokenResponse struct {
	PostbackToken string `json:"postback_token"`
	PostbackURL   string `json:"postback_url"`
}

// handlePostbackTokenRotate serves POST /api/v1/tenant/postback-token/rotate.
func (s *Server) handlePostbackTokenRotate(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (postbackTokenResponse, error) {
		tok, err := id.RotatePostbackToken(r.Context(), principal(r).TenantID)
		return postbackTokenResponse{PostbackToken: tok, PostbackURL: PostbackURL(s.deps.BaseURL, tok)}, err
	})
}
