// Package ui holds the browser side of the advertiser cabinet and the
// white-label partner portal: a single-page app written as plain ES modules
// (static/app, committed) on top of npm packages that `make ui` copies into
// static/vendor (gitignored). Everything is embedded into the binary; at run
// time nothing is fetched from another origin.
//
// Assets are served under /assets/{version}/, where version is a hash of the
// whole embedded tree, so they can be cached for a year and a new binary
// never mixes with old files. The HTML shell is the same for every page and
// carries no brand: the app learns who it serves from the JSON API.
package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

//go:embed static shell.html
var embedded embed.FS

// AssetPrefix is the path under which versioned assets are served.
const AssetPrefix = "/assets/"

// vendorModules maps bare import specifiers to files under static/vendor;
// they become the page's import map.
var vendorModules = map[string]string{
	"preact":        "vendor/preact/preact.mjs",
	"preact/hooks":  "vendor/preact/hooks.mjs",
	"htm":           "vendor/htm/htm.mjs",
	"preact-iso":    "vendor/preact-iso/index.js",
	"chart.js":      "vendor/chart.js/chart.js",
	"@kurkle/color": "vendor/kurkle-color/color.esm.js",
}

// Assets is the embedded app: its files, their version and the rendered shell.
type Assets struct {
	files   fs.FS
	version string
	ready   bool
	shell   []byte
	csp     string

	mu   sync.Mutex
	gzip map[string][]byte // compressed files, made on first request
}

// New reads the embedded tree, computes its version and renders the shell.
func New() (*Assets, error) {
	static, err := fs.Sub(embedded, "static")
	if err != nil {
		return nil, fmt.Errorf("ui assets: %w", err)
	}
	return FromFS(static)
}

// FromFS builds Assets from another tree laid out as static/ (tests use a
// small in-memory one).
func FromFS(static fs.FS) (*Assets, error) {
	version, err := treeHash(static)
	if err != nil {
		return nil, fmt.Errorf("ui assets: %w", err)
	}
	a := &Assets{files: static, version: version, ready: true, gzip: map[string][]byte{}}
	for _, file := range vendorModules {
		if _, err := fs.Stat(static, file); err != nil {
			a.ready = false
		}
	}
	if err := a.renderShell(); err != nil {
		return nil, fmt.Errorf("ui shell: %w", err)
	}
	return a, nil
}

// treeHash is a short hash over every file's path and content.
func treeHash(fsys fs.FS) (string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// Version is the hash that versions asset URLs.
func (a *Assets) Version() string { return a.version }

// Ready reports whether the vendor packages were built into the binary.
func (a *Assets) Ready() bool { return a.ready }

// Shell is the HTML page every app route answers with.
func (a *Assets) Shell() []byte { return a.shell }

// CSP is the Content-Security-Policy of the shell: scripts only from this
// origin plus the import map, pinned by its hash; no inline scripts or styles.
func (a *Assets) CSP() string { return a.csp }

// Files is the embedded tree served under AssetPrefix + Version().
func (a *Assets) Files() fs.FS { return a.files }

// URL is the versioned URL of an embedded file.
func (a *Assets) URL(file string) string { return AssetPrefix + a.version + "/" + file }

// Gzipped returns the file compressed with gzip, compressing it once.
func (a *Assets) Gzipped(name string) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if b, ok := a.gzip[name]; ok {
		return b, nil
	}
	raw, err := fs.ReadFile(a.files, name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	a.gzip[name] = buf.Bytes()
	return buf.Bytes(), nil
}

var shellTemplate = template.Must(template.ParseFS(embedded, "shell.html"))

func (a *Assets) renderShell() error {
	imports := map[string]string{}
	for spec, file := range vendorModules {
		imports[spec] = a.URL(file)
	}
	im, err := json.Marshal(map[string]any{"imports": imports})
	if err != nil {
		return err
	}
	// The import map is inline (browsers load no external import maps), so
	// the CSP names its hash instead of allowing inline scripts.
	sum := sha256.Sum256(im)
	a.csp = strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		"style-src 'self'",
		"img-src 'self' data: https:",
		"connect-src 'self'",
		"font-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	var buf bytes.Buffer
	err = shellTemplate.Execute(&buf, map[string]any{
		"ImportMap": template.HTML(`<script type="importmap">` + string(im) + `</script>`), // JSON of our own asset paths
		"CSS":       a.URL("app/style.css"),
		"Main":      a.URL("app/main.js"),
	})
	a.shell = buf.Bytes()
	return err
}
