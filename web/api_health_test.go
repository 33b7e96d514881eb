package web_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/web"
)

func newTestServer(t *testing.T, deps web.Deps) *httptest.Server {
	t.Helper()
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	srv := httptest.NewServer(web.NewServer(deps))
	t.Cleanup(srv.Close)
	return srv
}

func TestHealth(t *testing.T) {
	healthy := web.Checker{Name: "postgres", Check: func(context.Context) error { return nil }}
	down := web.Checker{Name: "nats", Check: func(context.Context) error { return errors.New("connection refused") }}

	ok := newTestServer(t, web.Deps{Checks: []web.Checker{healthy}})
	bad := newTestServer(t, web.Deps{Checks: []web.Checker{healthy, down}})
	for _, sc := range []scenario{
		{name: "healthz", method: "GET", url: "/healthz", wantStatus: 200, wantContent: []string{`"ok"`}},
		{name: "readyz-ok", method: "GET", url: "/readyz", wantStatus: 200, wantContent: []string{`"ready"`, `"postgres":"ok"`}},
		{name: "metrics", method: "GET", url: "/metrics", wantStatus: 200, wantContent: []string{"affcore_http_requests_total"}},
		{name: "openapi", method: "GET", url: "/api/v1/openapi.json", wantStatus: 200, wantContent: []string{`"openapi": "3.1.0"`}},
		{name: "unknown-404", method: "GET", url: "/nope", wantStatus: 404, wantContent: []string{`"status":404`}},
		{name: "method-405", method: "POST", url: "/healthz", wantStatus: 405},
		{name: "request-id-echoed", method: "GET", url: "/healthz", headers: map[string]string{"X-Request-Id": "abc-123"},
			wantStatus: 200, wantHeader: map[string]string{"X-Request-Id": "abc-123"}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, ok) })
	}
	t.Run("readyz-503", func(t *testing.T) {
		scenario{method: "GET", url: "/readyz", wantStatus: http.StatusServiceUnavailable,
			wantContent: []string{`"nats":"connection refused"`, `not ready: nats: connection refused`}}.run(t, bad)
	})
}
