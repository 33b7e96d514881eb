package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/identity"
)

// urlParam returns a route parameter.
func urlParam(r *http.Request, name string) string { return chi.URLParam(r, name) }

// meView is the GET /api/v1/me answer.
type meView struct {
	Kind             access.Kind    `json:"kind"`
	TenantID         string         `json:"tenant_id"`
	UserID           string         `json:"user_id,omitempty"`
	PartnerID        string         `json:"partner_id,omitempty"`
	Role             access.Role    `json:"role,omitempty"`
	Scopes           []access.Scope `json:"scopes"`
	APIKeyID         string         `json:"api_key_id,omitempty"`
	Email            string         `json:"email,omitempty"`
	Name             string         `json:"name,omitempty"`
	TwoFactor        bool           `json:"two_factor"`
	MFASetupRequired bool           `json:"mfa_setup_required,omitempty"`
	Tenant           *tenantView    `json:"tenant,omitempty"`
	Program          *programView   `json:"program,omitempty"`
	PostbackToken    string         `json:"postback_token,omitempty"`
	PostbackURL      string         `json:"postback_url,omitempty"`
}

// programView is what a partner sees of its program: the brand, never the platform.
type programView struct {
	Name     string            `json:"name"`
	Slug     string            `json:"slug"`
	Branding identity.Branding `json:"branding"`
}

// handleMe serves GET /api/v1/me: who the caller is and what it may do; for
// advertisers also the tenant and its postback URL ready to paste into a network.
func (s *Server) handleMe() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		v := meView{Kind: p.Kind, TenantID: string(p.TenantID), UserID: p.UserID, PartnerID: p.PartnerID,
			Role: p.Role, APIKeyID: p.APIKeyID, Scopes: []access.Scope{}, MFASetupRequired: p.MFASetupRequired}
		if p.Kind == access.KindUser {
			for _, sc := range access.RoleScopes(p.Role) {
				if p.Can(sc) {
					v.Scopes = append(v.Scopes, sc)
				}
			}
		}
		if s.deps.Identity != nil {
			if err := s.fillMe(r, p, &v); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		respond(w, http.StatusOK, v)
	}
}

func (s *Server) fillMe(r *http.Request, p access.Principal, v *meView) error {
	id := s.deps.Identity
	t, err := id.Tenant(r.Context(), p.TenantID)
	if err != nil {
		return err
	}
	if p.IsPartner() {
		part, err := id.Partner(r.Context(), p.TenantID, p.PartnerID)
		if err != nil {
			return err
		}
		v.Email, v.Name, v.TwoFactor = part.Email, part.Name, part.TOTPEnabled
		v.Program = &programView{Name: t.DisplayName(), Slug: t.Slug, Branding: t.Branding}
		return nil
	}
	tv := newTenantView(t)
	v.Tenant = &tv
	v.PostbackToken, v.PostbackURL = t.PostbackToken, PostbackURL(s.deps.BaseURL, t.PostbackToken)
	if p.APIKeyID == "" {
		u, err := id.Member(r.Context(), p.TenantID, p.UserID)
		if err != nil {
			return err
		}
		v.Email, v.Name, v.TwoFactor = u.Email, u.Name, u.TOTPEnabled
	}
	return nil
}
