package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/web"
	"github.com/affcore/affcore/web/ui"
)

// uiTree is a small app tree; withVendor adds the vendor modules the import map names.
func uiTree(withVendor bool) fstest.MapFS {
	fsys := fstest.MapFS{
		"app/main.js":   {Data: []byte("import './lib.js';\n")},
		"app/style.css": {Data: []byte("body{}\n")},
		"app/notes.md":  {Data: []byte("not served\n")},
	}
	if withVendor {
		for _, f := range []string{"preact/preact.mjs", "preact/hooks.mjs", "htm/htm.mjs", "preact-iso/index.js", "chart.js/chart.js", "kurkle-color/color.esm.js"} {
			fsys["vendor/"+f] = &fstest.MapFile{Data: []byte("export {};\n")}
		}
	}
	return fsys
}

func newUIServer(t *testing.T, withVendor bool) (*ui.Assets, *httptest.Server) {
	t.Helper()
	assets, err := ui.FromFS(uiTree(withVendor))
	if err != nil {
		t.Fatal(err)
	}
	return assets, newTestServer(t, web.Deps{UI: assets})
}

func TestUI_ShellAndAssets(t *testing.T) {
	assets, srv := newUIServer(t, true)
	v := assets.Version()
	shell := []string{`<script type="importmap">`, "/assets/" + v + "/app/main.js", "/assets/" + v + "/vendor/preact/preact.mjs"}
	secure := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
	pageHeaders := map[string]string{"Content-Type": "text/html", "Cache-Control": "no-cache",
		"Content-Security-Policy": "default-src 'self'; script-src 'self' 'sha256-"}
	for k, val := range secure {
		pageHeaders[k] = val
	}
	for _, sc := range []scenario{
		{name: "cabinet-root", method: "GET", url: "/", wantStatus: 200, wantContent: shell, wantHeader: pageHeaders},
		{name: "cabinet-page", method: "GET", url: "/app/team", wantStatus: 200, wantContent: shell, wantHeader: pageHeaders},
		{name: "team-join", method: "GET", url: "/team/join?token=x", wantStatus: 200, wantContent: shell, wantHeader: pageHeaders},
		{name: "portal", method: "GET", url: "/p/acme/join/tok", wantStatus: 200, wantContent: shell, wantHeader: pageHeaders, notContent: []string{"affcore"}},
		{name: "asset", method: "GET", url: "/assets/" + v + "/app/main.js", wantStatus: 200, wantContent: []string{"import './lib.js'"},
			wantHeader: map[string]string{"Content-Type": "text/javascript", "Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}},
		{name: "stale-version", method: "GET", url: "/assets/0123456789ab/app/style.css", wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/css", "Cache-Control": "no-cache", "ETag": `"` + v + `"`}},
		{name: "gzip", method: "GET", url: "/assets/" + v + "/app/main.js", headers: map[string]string{"Accept-Encoding": "gzip"}, wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "gzip", "Vary": "Accept-Encoding", "Content-Type": "text/javascript"}},
		{name: "unknown-type", method: "GET", url: "/assets/" + v + "/app/notes.md", wantStatus: 404},
		{name: "missing", method: "GET", url: "/assets/" + v + "/app/nope.js", wantStatus: 404},
		{name: "traversal", method: "GET", url: "/assets/" + v + "/../ui.go", wantStatus: 404},
		{name: "api-has-security-headers", method: "GET", url: "/healthz", wantStatus: 200, wantHeader: secure},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, srv) })
	}
}

// The import map is the page's only inline script; the CSP allows exactly it.
func TestUI_CSPPinsTheImportMap(t *testing.T) {
	assets, _ := newUIServer(t, true)
	if strings.Contains(assets.CSP(), "unsafe-inline") || strings.Contains(assets.CSP(), "unsafe-eval") {
		t.Errorf("CSP allows inline or eval: %s", assets.CSP())
	}
	if !strings.Contains(assets.CSP(), "frame-ancestors 'none'") || !strings.Contains(assets.CSP(), "object-src 'none'") {
		t.Errorf("CSP lacks frame-ancestors/object-src: %s", assets.CSP())
	}
	if n := strings.Count(string(assets.Shell()), "<script"); n != 2 {
		t.Errorf("shell has %d scripts; want the import map and the module entry", n)
	}
}

// The version changes with any file, so a new binary never serves stale assets as fresh.
func TestUI_VersionFollowsContent(t *testing.T) {
	a, _ := ui.FromFS(uiTree(true))
	tree := uiTree(true)
	tree["app/style.css"] = &fstest.MapFile{Data: []byte("body{color:red}\n")}
	b, _ := ui.FromFS(tree)
	if a.Version() == b.Version() || len(a.Version()) != 12 {
		t.Errorf("versions %q and %q; want different 12-character hashes", a.Version(), b.Version())
	}
}

// A binary built without npm still runs and says how to get the pages.
func TestUI_NotBuilt(t *testing.T) {
	assets, srv := newUIServer(t, false)
	if assets.Ready() {
		t.Fatal("assets without vendor modules report ready")
	}
	res, err := http.Get(srv.URL + "/app")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 503 || !strings.Contains(string(b), "run <code>make build</code>") {
		t.Errorf("GET /app without vendor: %d %s", res.StatusCode, b)
	}
}

// BenchmarkUI_Asset serves the largest embedded module (Chart.js) gzipped, as
// browsers fetch it on a cold cache.
func BenchmarkUI_Asset(b *testing.B) {
	assets, err := ui.New()
	if err != nil || !assets.Ready() {
		b.Fatal("UI assets not built: run make ui")
	}
	h := web.NewServer(web.Deps{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), UI: assets})
	req := httptest.NewRequest("GET", assets.URL("vendor/chart.js/chart.js"), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkUI_Shell serves a page's HTML shell with its headers.
func BenchmarkUI_Shell(b *testing.B) {
	assets, err := ui.FromFS(uiTree(true))
	if err != nil {
		b.Fatal(err)
	}
	h := web.NewServer(web.Deps{Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), UI: assets})
	req := httptest.NewRequest("GET", "/app/partners", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
