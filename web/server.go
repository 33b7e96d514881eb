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
	"github.com/affcore/affcore/core/audit"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/mailer"
	"github.com/affcore/affcore/core/payout"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/core/stats"
	"github.com/affcore/affcore/web/ui"
)

// Checker is a named readiness dependency (PostgreSQL, the bus).
type Checker struct {
	Name  string
	Check func(ctx context.Context) error
}

// Authenticator turns a bearer token (session JWT or API key) into a
// Principal, and renews browser sessions whose short-lived token expired.
type Authenticator interface {
	Authenticate(ctx context.Context, token, ip string) (access.Principal, error)
	Refresh(ctx context.Context, token, ip string) (string, access.Principal, error)
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

	// Identity and access.
	Identity *identity.Service
	Audit    *audit.Log
	// Outbox is the dev outbox (nil when SMTP is configured): /dev/outbox shows it to loopback callers.
	Outbox *mailer.Outbox
	// SecureCookies sets the Secure flag on the session cookie.
	SecureCookies bool
	// RateLimitFactor multiplies the per-IP limits of the authentication routes
	// (0 or 1 keeps them; test suites that sign up many accounts from one IP raise it).
	RateLimitFactor int
	// Ledger and payouts: balances and entries, commission terms and
	// periods, payouts (nil leaves their routes answering 503).
	Ledger     *ledger.Service
	Commission *commission.Service
	Payouts    *payout.Service

	// Web UI: the embedded cabinet and partner portal (nil serves no pages).
	UI *ui.Assets
	// Tracking area: catalogue, partner links, the click path, conversions in, stats.
	Catalog     *catalog.Service
	Tracker     *click.Tracker
	Links       *click.Signer
	Conversions *conversion.Service
	Stats       *stats.Service
	// Outgoing postbacks: partners' postback settings, tenant webhooks, the delivery log.
	Postbacks *postback.Service
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
	limits  *rateLimits
}

// NewServer builds the handler and its route table.
func NewServer(deps Deps) *Server {
	if deps.ClientIP == nil {
		deps.ClientIP = RemoteIP
	}
	s := &Server{deps: deps, log: deps.Log, metrics: newHTTPMetrics(deps.Registry), limits: newRateLimits()}
	s.router = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Router exposes the route table (the route-walking security tests use it).
func (s *Server) Router() chi.Router { return s.router }
