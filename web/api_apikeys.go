package web

import (
	"net/http"
	"time"

	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/identity"
)

type apiKeyView struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Prefix     string         `json:"prefix"`
	Scopes     []access.Scope `json:"scopes"`
	Test       bool           `json:"test"`
	CreatedBy  string         `json:"created_by"`
	CreatedAt  time.Time      `json:"created_at"`
	ExpiresAt  *time.Time     `json:"expires_at,omitempty"`
	LastUsedAt *time.Time     `json:"last_used_at,omitempty"`
	LastUsedIP string         `json:"last_used_ip,omitempty"`
	RevokedAt  *time.Time     `json:"revoked_at,omitempty"`
	Key        string         `json:"key,omitempty"` // only in the create answer
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func newAPIKeyView(k identity.APIKey) apiKeyView {
	return apiKeyView{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, Test: k.Test, CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt, ExpiresAt: optTime(k.ExpiresAt), LastUsedAt: optTime(k.LastUsedAt), LastUsedIP: k.LastUsedIP,
		RevokedAt: optTime(k.RevokedAt)}
}

// handleAPIKeyList serves GET /api/v1/api-keys.
func (s *Server) handleAPIKeyList(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (list[apiKeyView], error) {
		keys, err := id.APIKeys(r.Context(), principal(r).TenantID)
		return list[apiKeyView]{Items: mapSlice(keys, newAPIKeyView)}, err
	})
}

type apiKeyRequest struct {
	Name      string         `json:"name"`
	Scopes    []access.Scope `json:"scopes"`
	ExpiresAt time.Time      `json:"expires_at"`
	Test      bool           `json:"test"`
}

// handleAPIKeyCreate serves POST /api/v1/api-keys {name, scopes, expires_at?,
// test?} → {id, key}; the key is shown only in this answer.
func (s *Server) handleAPIKeyCreate(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusCreated, func(_ http.ResponseWriter, r *http.Request, req apiKeyRequest) (apiKeyView, error) {
		p := principal(r)
		k, err := id.CreateAPIKey(r.Context(), p.TenantID, p, identity.APIKeyInput(req))
		v := newAPIKeyView(k.APIKey)
		v.Key = k.Key
		return v, err
	})
}

// handleAPIKeyRevoke serves DELETE /api/v1/api-keys/{id}.
func (s *Server) handleAPIKeyRevoke(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, _ none) (none, error) {
		return none{}, id.RevokeAPIKey(r.Context(), principal(r).TenantID, urlParam(r, "id"))
	})
}
