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

	// Plugins area: marketplace, tenant uploads, installations and their logs.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate, s.serviceAvailable(s.deps.Plugins != nil, "plugins"))
		read, write := r.With(s.requireScope(access.PluginsRead)), r.With(s.requireScope(access.PluginsWrite))
		p := s.deps.Plugins
		read.Get("/api/v1/marketplace", handleMarketplace(s, p))
		read.Get("/api/v1/plugins/installed", handlePluginsInstalled(s, p))
		read.Get("/api/v1/plugins/{id}/logs", handlePluginLogs(s, p, s.deps.PluginLogs))
		write.Post("/api/v1/plugins", handlePluginUpload(s, p))
		write.Post("/api/v1/plugins/{id}/install", handlePluginInstall(s, p))
		write.Post("/api/v1/plugins/{id}/upgrade", handlePluginUpgrade(s, p))
		write.Post("/api/v1/plugins/{id}/enable", handlePluginChange(s, p, "enable"))
		write.Post("/api/v1/plugins/{id}/disable", handlePluginChange(s, p, "disable"))
		write.Post("/api/v1/plugins/{id}/rollback", handlePluginChange(s, p, "rollback"))
		write.Delete("/api/v1/plugins/{id}", handlePluginChange(s, p, "uninstall"))
	})
	return r
}
