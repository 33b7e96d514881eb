// Package web is affcore's HTTP edge: the JSON API under /api/v1, the public
// tracking and postback endpoints, health and metrics, and the embedded
// cabinet, partner portal and marketplace pages. Every route is listed in
// routes.go; errors map to RFC 9457 problem+json in errors.go only.
package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core/access"
)

// Checker is a named readiness dependency (PostgreSQL, the bus).
type Checker struct {
	Name  string
	Check func(ctx context.Context) error
}

// Authenticator turns a bearer token (session JWT or API key) into a Principal.
type Authenticator interface {
	Authenticate(ctx context.Context, token, ip string) (access.Principal, error)
}

// Deps are the services the HTTP layer needs. Nil services leave their routes
// answering 503, so tests can build a server with only what they exercise.
type Deps struct {
	Log      *slog.Logger
	Registry *prometheus.Registry
	Checks   []Checker
	Auth     Authenticator
	// BaseURL is the public base URL, used to build links (tracking URLs, invites).
	BaseURL string
	// ClientIP returns the caller's IP, honouring X-Forwarded-For only from trusted proxies.
	ClientIP func(r *http.Request) string

	// Plugins area: the registry and installations, and the plugin logs.
	Plugins    PluginService
	PluginLogs PluginLogs
}

// Server is the HTTP handler for everything affcore serves.
type Server struct {
	deps    Deps
	log     *slog.Logger
	router  chi.Router
	metrics *httpMetrics
}

// NewServer builds the handler and its route table.
func NewServer(deps Deps) *Server {
	if deps.ClientIP == nil {
		deps.ClientIP = RemoteIP
	}
	s := &Server{deps: deps, log: deps.Log, metrics: newHTTPMetrics(deps.Registry)}
	s.router = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Router exposes the route table (the route-walking security tests use it).
func (s *Server) Router() chi.Router { return s.router }
