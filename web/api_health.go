package web

import (
	"context"
	_ "embed"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed openapi.json
var openAPIDoc []byte

// handleHealthz serves GET /healthz: 200 while the process runs.
func handleHealthz() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		respond(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

// handleReadyz serves GET /readyz: 200 when every dependency answers within
// two seconds, else 503 naming what failed and why.
func handleReadyz(checks []Checker) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		res := make(map[string]string, len(checks))
		var failed []string
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range checks {
			wg.Go(func() {
				err := c.Check(ctx)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					res[c.Name] = err.Error()
					failed = append(failed, c.Name+": "+err.Error())
					return
				}
				res[c.Name] = "ok"
			})
		}
		wg.Wait()
		if len(failed) > 0 {
			sort.Strings(failed)
			writeProblem(w, r, problem{Type: "/problems/unavailable", Title: "Service Unavailable",
				Status: http.StatusServiceUnavailable, Detail: "not ready: " + strings.Join(failed, "; "), Checks: res})
			return
		}
		respond(w, http.StatusOK, map[string]any{"status": "ready", "checks": res})
	}
}

// handleMetrics serves GET /metrics in the Prometheus text format.
func handleMetrics(reg *prometheus.Registry) http.Handler {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// handleOpenAPI serves GET /api/v1/openapi.json.
func handleOpenAPI() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPIDoc)
	}
}
