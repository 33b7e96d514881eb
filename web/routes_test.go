package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/web"
)

// TestOpenAPI_CoversEveryRoute keeps the published API description honest:
// every API route in the router is documented with its method.
func TestOpenAPI_CoversEveryRoute(t *testing.T) {
	s := web.NewServer(web.Deps{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	srv := newTestServer(t, web.Deps{})
	body := scenario{method: "GET", url: "/api/v1/openapi.json", wantStatus: 200}.run(t, srv)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	decodeJSON(t, body, &doc)
	err := chi.Walk(s.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasSuffix(route, "/*") || !(strings.HasPrefix(route, "/api/") || route == "/healthz" || route == "/readyz" || route == "/metrics" || strings.HasPrefix(route, "/c/")) {
			return nil // pages and static assets are not API
		}
		route = strings.TrimSuffix(route, "/")
		if _, ok := doc.Paths[route][strings.ToLower(method)]; !ok {
			t.Errorf("route %s %s is missing from openapi.json", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
