package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/postback"
)

// postbackView is a partner postback setting or a tenant webhook.
type postbackView struct {
	ID          string    `json:"id"`
	OfferID     string    `json:"offer_id,omitempty"`
	Description string    `json:"description,omitempty"`
	URL         string    `json:"url"`
	Method      string    `json:"method"`
	Format      string    `json:"format"`
	Events      []string  `json:"events"`
	Sign        bool      `json:"sign"`
	Enabled     bool      `json:"enabled"`
	HasSecret   bool      `json:"has_secret"`
	Secret      string    `json:"secret,omitempty"` // only in the answer that generated it
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func newPostbackView(e postback.Endpoint, hasSecret bool) postbackView {
	events := e.Events
	if events == nil {
		events = []string{}
	}
	return postbackView{ID: e.ID, OfferID: e.OfferID, Description: e.Description, URL: e.URL, Method: e.Method,
		Format: e.Format, Events: events, Sign: e.Sign, Enabled: e.Enabled, HasSecret: hasSecret,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func savedView(s postback.Saved) postbackView {
	v := newPostbackView(s.Endpoint, s.HasSecret)
	v.Secret = s.Secret
	return v
}

// postbackRequest is the body of PUT /api/v1/me/postback and of creating or
// replacing an override or a webhook. Omitted fields take their defaults
// (format url, GET for url and POST for json, every event).
type postbackRequest struct {
	URL         string   `json:"url"`
	Method      string   `json:"method"`
	Format      string   `json:"format"`
	Events      []string `json:"events"`
	Sign        bool     `json:"sign"`
	Enabled     *bool    `json:"enabled"`
	OfferID     string   `json:"offer_id"`
	Description string   `json:"description"`
}

func (p postbackRequest) input() postback.Input {
	return postback.Input{URL: p.URL, Method: p.Method, Format: p.Format, Events: p.Events, Sign: p.Sign,
		Enabled: p.Enabled, OfferID: p.OfferID, Description: p.Description}
}

// testRequest is the optional body of a test postback.
type testRequest struct {
	// PostbackID picks an override (partner) instead of the global postback.
	PostbackID string `json:"postback_id"`
	// Event is the status or custom event the sample conversion pretends to be.
	Event string `json:"event"`
}

// secretView answers a secret rotation: the only time a secret is shown.
type secretView struct {
	Secret string `json:"secret"`
}

// postbacksReady answers 503 instead of h when the postbacks service is not wired.
func (s *Server) postbacksReady(svc *postback.Service, h http.HandlerFunc) http.HandlerFunc {
	if svc == nil {
		return func(w http.ResponseWriter, r *http.Request) {
			s.writeError(w, r, core.Errorf(core.KindUnavailable, "outgoing postbacks are not configured"))
		}
	}
	return h
}

// handleMyPostbackGet serves GET /api/v1/me/postback: the partner's global postback.
func (s *Server) handleMyPostbackGet(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (postbackView, error) {
		p := principal(r)
		e, err := svc.Global(r.Context(), p.TenantID, p.PartnerID)
		if err != nil {
			return postbackView{}, err
		}
		has, err := svc.HasSecret(r.Context(), p.TenantID, postback.PartnerOwner(p.PartnerID))
		return newPostbackView(e, has), err
	}))
}

// handleMyPostbackPut serves PUT /api/v1/me/postback: create or replace the
// partner's global postback.
func (s *Server) handleMyPostbackPut(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req postbackRequest) (postbackView, error) {
		p := principal(r)
		saved, err := svc.PutGlobal(r.Context(), p.TenantID, p.PartnerID, req.input())
		return savedView(saved), err
	}))
}

// handleMyPostbackDelete serves DELETE /api/v1/me/postback.
func (s *Server) handleMyPostbackDelete(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, _ none) (none, error) {
		p := principal(r)
		return none{}, svc.DeleteGlobal(r.Context(), p.TenantID, p.PartnerID)
	}))
}

// handlePostbackList serves GET /api/v1/me/postbacks (the partner's
// overrides and global) and GET /api/v1/webhooks.
func (s *Server) handlePostbackList(svc *postback.Service, owner ownerOf) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (list[postbackView], error) {
		return endpointViews(r, svc, owner(r), false)
	}))
}

// handlePartnerPostbacks serves GET /api/v1/partners/{id}/postbacks: a
// partner's postback settings as the advertiser sees them (receiver tokens
// in the URLs redacted).
func (s *Server) handlePartnerPostbacks(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (list[postbackView], error) {
		return endpointViews(r, svc, partnerInPath(r), true)
	}))
}

// endpointViews lists the owner's postback endpoints, their URLs redacted
// when the caller is not their owner.
func endpointViews(r *http.Request, svc *postback.Service, o postback.Owner, redact bool) (list[postbackView], error) {
	tenant := principal(r).TenantID
	eps, err := svc.Endpoints(r.Context(), tenant, o)
	if err != nil {
		return list[postbackView]{}, err
	}
	has, err := svc.HasSecret(r.Context(), tenant, o)
	out := list[postbackView]{Items: make([]postbackView, 0, len(eps))}
	for _, e := range eps {
		if redact {
			e.URL = postback.RedactURL(e.URL)
		}
		out.Items = append(out.Items, newPostbackView(e, has))
	}
	return out, err
}

// handlePostbackCreate serves POST /api/v1/me/postbacks (a per-offer
// override) and POST /api/v1/webhooks.
func (s *Server) handlePostbackCreate(svc *postback.Service, owner ownerOf) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusCreated, func(_ http.ResponseWriter, r *http.Request, req postbackRequest) (postbackView, error) {
		saved, err := svc.Create(r.Context(), principal(r).TenantID, owner(r), req.input())
		return savedView(saved), err
	}))
}

// handlePostbackGet serves GET /api/v1/me/postbacks/{id} and GET /api/v1/webhooks/{id}.
func (s *Server) handlePostbackGet(svc *postback.Service, owner ownerOf) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (postbackView, error) {
		p, o := principal(r), owner(r)
		e, err := svc.Endpoint(r.Context(), p.TenantID, o, chi.URLParam(r, "id"))
		if err != nil {
			return postbackView{}, err
		}
		has, err := svc.HasSecret(r.Context(), p.TenantID, o)
		return newPostbackView(e, has), err
	}))
}

// handlePostbackPut serves PUT /api/v1/me/postbacks/{id} and PUT /api/v1/webhooks/{id}.
func (s *Server) handlePostbackPut(svc *postback.Service, owner ownerOf) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req postbackRequest) (postbackView, error) {
		saved, err := svc.Update(r.Context(), principal(r).TenantID, owner(r), chi.URLParam(r, "id"), req.input())
		return savedView(saved), err
	}))
}

// handlePostbackDelete serves DELETE /api/v1/me/postbacks/{id} and DELETE /api/v1/webhooks/{id}.
func (s *Server) handlePostbackDelete(svc *postback.Service, owner ownerOf) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, _ none) (none, error) {
		return none{}, svc.Delete(r.Context(), principal(r).TenantID, owner(r), chi.URLParam(r, "id"))
	}))
}

// handlePostbackSecret serves POST /api/v1/me/postback/secret and POST
// /api/v1/webhooks/secret: a new signing secret, shown once.
func (s *Server) handlePostbackSecret(svc *postback.Service, owner ownerOf) http.HandlerFunc {
	return s.postbacksReady(svc, serveJSON(s, http.StatusCreated, func(_ http.ResponseWriter, r *http.Request, _ none) (secretView, error) {
		sec, err := svc.RotateSecret(r.Context(), principal(r).TenantID, owner(r))
		return secretView{Secret: sec}, err
	}))
}

// handlePostbackTest serves POST /api/v1/me/postback/test, POST
// /api/v1/partners/{id}/postback/test and POST /api/v1/webhooks/{id}/test:
// one postback with sample values and test=1, sent now and logged.
// endpointInPath says the route's {id} names the endpoint (webhooks).
func (s *Server) handlePostbackTest(svc *postback.Service, owner ownerOf, endpointInPath bool) http.HandlerFunc {
	return s.postbacksReady(svc, func(w http.ResponseWriter, r *http.Request) {
		var req testRequest
		if r.ContentLength != 0 {
			if err := decode(w, r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		endpoint := req.PostbackID
		if endpointInPath {
			endpoint = chi.URLParam(r, "id")
		}
		d, attempts, err := svc.SendTest(r.Context(), principal(r).TenantID, owner(r), endpoint, req.Event)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, newDeliveryView(d, attempts))
	})
}

// ownerOf says whose postback settings a request addresses.
type ownerOf func(r *http.Request) postback.Owner

// partnerSelf is the calling partner.
func partnerSelf(r *http.Request) postback.Owner {
	return postback.PartnerOwner(principal(r).PartnerID)
}

// partnerInPath is the partner named by {id} (advertiser routes).
func partnerInPath(r *http.Request) postback.Owner {
	return postback.PartnerOwner(chi.URLParam(r, "id"))
}

// tenantWebhooks is the caller's tenant webhooks.
func tenantWebhooks(*http.Request) postback.Owner { return postback.WebhookOwner() }
