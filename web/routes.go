package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// PublicRoutes lists every route that answers without credentials, as
// "METHOD /pattern". The route-walking security test treats every other
// route as authenticated and checks it denies strangers; adding a public
// route means adding it here, on purpose.
var PublicRoutes = map[string]bool{
	"GET /healthz":             true,
	"GET /readyz":              true,
	"GET /metrics":             true,
	"GET /api/v1/openapi.json": true,
}

// routes builds the route table: every route affcore serves is listed here.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(withRequestID, s.observe, s.recoverer)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, core.Errorf(core.KindNotFound, "no such route"))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem{Type: "/problems/method_not_allowed", Title: "Method Not Allowed",
			Status: http.StatusMethodNotAllowed, Detail: "method not allowed on this route"})
	})

	r.Get("/healthz", handleHealthz())
	r.Get("/readyz", handleReadyz(s.deps.Checks))
	r.Method(http.MethodGet, "/metrics", handleMetrics(s.deps.Registry))
	r.Get("/api/v1/openapi.json", handleOpenAPI())

	// Authenticated API: each group below is one area.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		r.Get("/api/v1/me", handleMe())
	})

	// Outgoing postbacks: partners' postback settings (portal), tenant
	// webhooks, and the delivery log both cabinets read.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		pb := s.deps.Postbacks
		me := r.With(s.requirePartner)
		me.Get("/api/v1/me/postback", s.handleMyPostbackGet(pb))
		me.Put("/api/v1/me/postback", s.handleMyPostbackPut(pb))
		me.Delete("/api/v1/me/postback", s.handleMyPostbackDelete(pb))
		me.Post("/api/v1/me/postback/test", s.handlePostbackTest(pb, partnerSelf, false))
		me.Post("/api/v1/me/postback/secret", s.handlePostbackSecret(pb, partnerSelf))
		me.Get("/api/v1/me/postbacks", s.handlePostbackList(pb, partnerSelf))
		me.Post("/api/v1/me/postbacks", s.handlePostbackCreate(pb, partnerSelf))
		me.Get("/api/v1/me/postbacks/{id}", s.handlePostbackGet(pb, partnerSelf))
		me.Put("/api/v1/me/postbacks/{id}", s.handlePostbackPut(pb, partnerSelf))
		me.Delete("/api/v1/me/postbacks/{id}", s.handlePostbackDelete(pb, partnerSelf))

		hooks := r.With(s.requireScope(access.SettingsWrite))
		hooks.Get("/api/v1/webhooks", s.handlePostbackList(pb, tenantWebhooks))
		hooks.Post("/api/v1/webhooks", s.handlePostbackCreate(pb, tenantWebhooks))
		hooks.Post("/api/v1/webhooks/secret", s.handlePostbackSecret(pb, tenantWebhooks))
		hooks.Get("/api/v1/webhooks/{id}", s.handlePostbackGet(pb, tenantWebhooks))
		hooks.Put("/api/v1/webhooks/{id}", s.handlePostbackPut(pb, tenantWebhooks))
		hooks.Delete("/api/v1/webhooks/{id}", s.handlePostbackDelete(pb, tenantWebhooks))
		hooks.Post("/api/v1/webhooks/{id}/test", s.handlePostbackTest(pb, tenantWebhooks, true))

		r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/partners/{id}/postbacks", s.handlePartnerPostbacks(pb))
		r.With(s.requireScope(access.PartnersWrite)).Post("/api/v1/partners/{id}/postback/test", s.handlePostbackTest(pb, partnerInPath, false))

		logs := r.With(s.requirePartnerOrScope(access.ReportsRead))
		logs.Get("/api/v1/postbacks/outgoing", s.handleOutgoingList(pb))
		logs.Get("/api/v1/postbacks/outgoing/{id}", s.handleOutgoingGet(pb))
		r.With(s.requireScope(access.PartnersWrite)).Post("/api/v1/postbacks/outgoing/{id}/replay", s.handleOutgoingReplay(pb))
	})
	return r
}
