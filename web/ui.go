package web

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/web/ui"
)

// ShellRoutes are the browser pages: each answers with the app's HTML shell,
// and the app renders the page from the JSON API. Cabinet pages are at the
// root; the white-label partner portal of each program is under /p/{slug}.
var ShellRoutes = []string{
	"/", "/login", "/signup", "/reset-password", "/team/join", "/app", "/app/*",
	"/p/{slug}", "/p/{slug}/*",
}

// limitPortal bounds lookups of a partner portal's brand per client IP.
var limitPortal = limit{"portal", 300, time.Minute}

// uiRoutes serves the cabinet and the partner portal: the HTML shell, the
// versioned assets, and the public brand lookup the portal starts with.
func (s *Server) uiRoutes(r chi.Router) {
	if id := s.deps.Identity; id != nil {
		r.With(s.rateLimit(limitPortal)).Get("/api/v1/portal/{slug}", s.handlePortalBrand(id))
	}
	assets := s.deps.UI
	if assets == nil {
		return
	}
	for _, p := range ShellRoutes {
		r.Get(p, handleShell(assets))
	}
	r.Get(ui.AssetPrefix+"{version}/*", handleAsset(assets))
}

// securityHeaders sets the headers every answer carries: no MIME sniffing,
// no framing, and no URL (which may hold an invite or reset token) sent as
// Referer to other origins.
// The values are shared by every answer (a handler replaces, never edits,
// a header's values), sparing the click path an allocation each.
func securityHeaders(next http.Handler) http.Handler {
	nosniff, deny, sameOrigin := []string{"nosniff"}, []string{"DENY"}, []string{"same-origin"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"], h["X-Frame-Options"], h["Referrer-Policy"] = nosniff, deny, sameOrigin
		next.ServeHTTP(w, r)
	})
}

// notBuiltPage answers app routes of a binary built without the vendor
// packages (go build on a clean clone, without npm).
const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not built</title></head>
<body><h1>UI assets not built</h1><p>This binary was built without the browser packages: run <code>make build</code>.</p></body></html>`

// handleShell answers a page route with the app's HTML shell.
func handleShell(assets *ui.Assets) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", assets.CSP())
		if !assets.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuiltPage))
			return
		}
		_, _ = w.Write(assets.Shell())
	}
}

// contentTypes of the embedded files, fixed here rather than taken from the
// machine's MIME database.
var contentTypes = map[string]string{
	".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
	".png": "image/png", ".woff2": "font/woff2", ".map": "application/json", ".txt": "text/plain; charset=utf-8",
}

// handleAsset serves /assets/{version}/{file}. Files of the current version
// are immutable for a year; a stale version (a page loaded before an
// upgrade) gets today's file, revalidated each time.
func handleAsset(assets *ui.Assets) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := chi.URLParam(r, "*")
		ctype, known := contentTypes[path.Ext(name)]
		b, err := fs.ReadFile(assets.Files(), name)
		if !known || err != nil || strings.Contains(name, "/.") {
			writeProblem(w, r, problem{Type: "/problems/not_found", Title: "Not Found", Status: http.StatusNotFound, Detail: "no such file"})
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		if chi.URLParam(r, "version") == assets.Version() {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
			h.Set("ETag", `"`+assets.Version()+`"`)
		}
		h.Add("Vary", "Accept-Encoding")
		if compressible[path.Ext(name)] && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			if gz, err := assets.Gzipped(name); err == nil {
				h.Set("Content-Encoding", "gzip")
				h.Set("Content-Length", strconv.Itoa(len(gz)))
				_, _ = w.Write(gz)
				return
			}
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	}
}

// compressible are the text files served gzipped to browsers that accept it.
var compressible = map[string]bool{".js": true, ".mjs": true, ".css": true, ".json": true, ".svg": true, ".map": true, ".txt": true}

// portalView is what the partner portal shows before anyone logs in: the
// program's brand, never the platform's.
type portalView struct {
	Name     string            `json:"name"`
	Slug     string            `json:"slug"`
	Branding identity.Branding `json:"branding"`
}

// handlePortalBrand serves GET /api/v1/portal/{slug}: the brand of the
// partner portal at /p/{slug}.
func (s *Server) handlePortalBrand(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := id.TenantBySlug(r.Context(), urlParam(r, "slug"))
		if err != nil {
			if core.KindOf(err) == core.KindNotFound {
				err = core.Errorf(core.KindNotFound, "no such program")
			}
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, portalView{Name: t.DisplayName(), Slug: t.Slug, Branding: t.Branding})
	}
}
