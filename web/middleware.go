package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

type ctxKey int

const keyPrincipal ctxKey = iota

// requestIDHeader carries a request's id both ways.
const requestIDHeader = "X-Request-Id"

// withRequestID takes a sane incoming X-Request-Id or makes one, and echoes
// it. The id stays in the request's own header, where requestID reads it:
// cheaper on the click path than a copy of the request with a new context.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ids := r.Header[requestIDHeader]
		if len(ids) != 1 || len(ids[0]) == 0 || len(ids[0]) > 64 ||
			strings.ContainsFunc(ids[0], func(c rune) bool { return c <= ' ' || c > '~' }) {
			ids = []string{core.NewID("req")}
			r.Header[requestIDHeader] = ids
		}
		w.Header()[requestIDHeader] = ids
		next.ServeHTTP(w, r)
	})
}

// requestID returns the request's id (set by withRequestID).
func requestID(r *http.Request) string { return r.Header.Get(requestIDHeader) }

// statusWriter records the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// httpMetrics are the request counters and latency histograms.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	statuses [600]string // status codes as labels, formatted once
}

// status returns code as a label.
func (m *httpMetrics) status(code int) string {
	if code >= 0 && code < len(m.statuses) {
		return m.statuses[code]
	}
	return strconv.Itoa(code)
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "affcore_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "affcore_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	for code := range m.statuses {
		m.statuses[code] = strconv.Itoa(code)
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.latency)
	}
	return m
}

// observe logs each request at debug level (the click path is too hot for
// info-level access logs) and records metrics by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		took := time.Since(start)
		s.metrics.requests.WithLabelValues(route, r.Method, s.metrics.status(sw.status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(took.Seconds())
		if s.log.Enabled(r.Context(), slog.LevelDebug) { // spares the hot path boxing the arguments
			s.log.DebugContext(r.Context(), "http request", "method", r.Method, "route", route,
				"status", sw.status, "took", took, "request_id", requestID(r))
		}
	})
}

// recoverer turns a panic into a logged 500 problem.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "panic", v, "path", r.URL.Path,
					"request_id", requestID(r), "stack", string(debug.Stack()))
				writeProblem(w, r, problem{Type: "/problems/internal", Title: "Internal Server Error",
					Status: http.StatusInternalServerError, Detail: "internal error"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// sessionCookie is the name of the browser session cookie.
const sessionCookie = "session"

// credentials returns the request's token: the Authorization bearer token,
// else the session cookie (fromCookie true).
func credentials(r *http.Request) (token string, fromCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(tok), false
		}
		return "", false
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value, true
	}
	return "", false
}

// authenticate requires a valid session or API key and stores the Principal.
// A browser whose short-lived session token expired gets a fresh one while
// its session lives. Cookie-authenticated writes must come from this origin
// (CSRF). A member who must still set up 2FA reaches only the 2FA routes.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, fromCookie := credentials(r)
		if tok == "" {
			s.writeError(w, r, core.Errorf(core.KindUnauthorized, "authentication required"))
			return
		}
		if s.deps.Auth == nil {
			s.writeError(w, r, core.Errorf(core.KindUnavailable, "authentication is not configured"))
			return
		}
		if fromCookie && !safeMethod(r.Method) && !sameOrigin(r) {
			s.writeError(w, r, core.Errorf(core.KindForbidden, "cross-site request refused"))
			return
		}
		ip := s.deps.ClientIP(r)
		p, err := s.deps.Auth.Authenticate(r.Context(), tok, ip)
		if err != nil && fromCookie && core.KindOf(err) == core.KindUnauthorized {
			var fresh string
			if fresh, p, err = s.deps.Auth.Refresh(r.Context(), tok, ip); err == nil {
				s.setSessionCookie(w, fresh)
			}
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if p.MFASetupRequired && !mfaSetupAllowed(r.URL.Path) {
			s.writeError(w, r, core.Errorf(core.KindForbidden, "your organisation requires two-factor authentication: set it up first (POST /api/v1/me/2fa/setup)"))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyPrincipal, p)))
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin reports whether the Origin (or Referer) of r names r's own host.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	u, err := url.Parse(origin)
	return err == nil && origin != "" && u.Host == r.Host
}

// mfaSetupAllowed lists what a member who must set up 2FA may still call.
func mfaSetupAllowed(path string) bool {
	return path == "/api/v1/me" || path == "/api/v1/auth/logout" || strings.HasPrefix(path, "/api/v1/me/2fa/")
}

// principal returns the authenticated caller; only routes behind authenticate call it.
func principal(r *http.Request) access.Principal {
	p, _ := r.Context().Value(keyPrincipal).(access.Principal)
	return p
}

// requireScope lets through only advertiser team members (or their API keys)
// holding scope.
func (s *Server) requireScope(scope access.Scope) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !principal(r).Can(scope) {
				s.writeError(w, r, core.Errorf(core.KindForbidden, "this action needs the %s permission", scope))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// requirePartner lets through only partners (partner portal routes).
//
//lint:ignore U1000 guards the partner-portal routes of the tracking and money areas
func (s *Server) requirePartner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !principal(r).IsPartner() {
			s.writeError(w, r, core.Errorf(core.KindForbidden, "only partners can use this route"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RemoteIP returns the connection's peer address without the port. It is the
// default ClientIP: X-Forwarded-For is ignored unless proxies are trusted.
func RemoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
