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
	return func(w http.ResponseWriter, r *http.Request) {
		keys, err := id.APIKeys(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[apiKeyView]{Items: []apiKeyView{}}
		for _, k := range keys {
			out.Items = append(out.Items, newAPIKeyView(k))
		}
		respond(w, http.StatusOK, out)
	}
}

// handleAPIKeyCreate serves POST /api/v1/api-keys {name, scopes, expires_at?,
// test?} → {id, key}; the key is shown only in this answer.
func (s *Server) handleAPIKeyCreate(id *identity.Service) http.HandlerFunc {
	type request struct {
		Name      string         `json:"name"`
		Scopes    []access.Scope `json:"scopes"`
		ExpiresAt time.Time      `json:"expires_at"`
		Test      bool           `json:"test"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		k, err := id.CreateAPIKey(r.Context(), p.TenantID, p, identity.APIKeyInput(req))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		v := newAPIKeyView(k.APIKey)
		v.Key = k.Key
		respond(w, http.StatusCreated, v)
	}
}

// handleAPIKeyRevoke serves DELETE /api/v1/api-keys/{id}.
func (s *Server) handleAPIKeyRevoke(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := id.RevokeAPIKey(r.Context(), principal(r).TenantID, urlParam(r, "id")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
