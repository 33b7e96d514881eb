package web

import (
	"net/http"

	"github.com/affcore/affcore/core/access"
)

// meView is the GET /api/v1/me answer.
type meView struct {
	Kind      access.Kind    `json:"kind"`
	TenantID  string         `json:"tenant_id"`
	UserID    string         `json:"user_id,omitempty"`
	PartnerID string         `json:"partner_id,omitempty"`
	Role      access.Role    `json:"role,omitempty"`
	Scopes    []access.Scope `json:"scopes"`
	APIKeyID  string         `json:"api_key_id,omitempty"`
}

// handleMe serves GET /api/v1/me: who the caller is and what it may do.
func handleMe() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		v := meView{Kind: p.Kind, TenantID: string(p.TenantID), UserID: p.UserID, PartnerID: p.PartnerID,
			Role: p.Role, APIKeyID: p.APIKeyID, Scopes: []access.Scope{}}
		if p.Kind == access.KindUser {
			for _, s := range access.RoleScopes(p.Role) {
				if p.Can(s) {
					v.Scopes = append(v.Scopes, s)
				}
			}
		}
		respond(w, http.StatusOK, v)
	}
}
