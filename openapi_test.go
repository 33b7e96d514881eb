package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/affcore/affcore/web"
)

// TestOpenAPI_CoversEveryRoute keeps the published API description honest:
// every route of the fully wired server is documented with its method, and
// every public route is marked as needing no credentials.
func TestOpenAPI_CoversEveryRoute(t *testing.T) {
	ta := newTestApp(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security *[]any `json:"security"`
		} `json:"paths"`
	}
	b := ta.must(200, "GET", "/api/v1/openapi.json", "", nil, nil)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, rt := range walkRoutes(t, ta.srvHandler()) {
		if !strings.HasPrefix(rt.pattern, "/api/") && !strings.HasPrefix(rt.pattern, "/c/") && !strings.HasPrefix(rt.pattern, "/dev/") &&
			rt.pattern != "/healthz" && rt.pattern != "/readyz" && rt.pattern != "/metrics" {
			continue // pages and static assets are not API
		}
		op, ok := doc.Paths[rt.pattern][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("route %s is missing from openapi.json", rt)
			continue
		}
		if public := op.Security != nil && len(*op.Security) == 0; public != web.PublicRoutes[rt.String()] {
			t.Errorf("route %s: openapi says public=%v, web.PublicRoutes says %v", rt, public, web.PublicRoutes[rt.String()])
		}
	}
}
