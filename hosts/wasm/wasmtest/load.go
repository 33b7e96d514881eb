package wasmtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/wasm"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/pdk/go/pdktest"
)

// Options describe the installation a test loads.
type Options struct {
	Tenant       core.TenantID // default "ten_test"
	PluginID     string        // default the directory's base name
	Hooks        []string
	Config       string // JSON
	Secrets      map[string]string
	SecretNames  []string
	AllowedHosts []string
	// Limits overrides the class limits (nil = production defaults).
	Limits hosts.LimitsFunc
	// KV is shared between loads to test isolation (nil = a fresh store).
	KV hosts.KV
	// HTTPClient trusts a test server's certificate.
	HTTPClient   *http.Client
	AllowPrivate bool
}

// Logs collects plugin log lines.
type Logs struct {
	mu    sync.Mutex
	lines []hosts.LogEntry
}

// Write implements hosts.LogSink.
func (l *Logs) Write(e hosts.LogEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, e)
}

// Lines returns the lines so far.
func (l *Logs) Lines() []hosts.LogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]hosts.LogEntry(nil), l.lines...)
}

// Text returns every message, one per line.
func (l *Logs) Text() string {
	s := ""
	for _, e := range l.Lines() {
		s += e.Message + "\n"
	}
	return s
}

// CacheDir is a compilation cache shared by every test process of this
// machine (wazero writes entries atomically), so a plugin is compiled once
// per test run instead of once per test — which matters under -race, where
// the compiler itself is instrumented.
func CacheDir() string { return filepath.Join(os.TempDir(), "affcore-wasm-cache") }

// Patient returns production limits with a one-second deadline, for tests
// that check what a plugin computes rather than how fast (under -race or on
// a loaded machine a 5 ms deadline measures the machine).
func Patient(c hosts.Class) hosts.Limits {
	l := hosts.DefaultLimits(c)
	l.Timeout = time.Second
	return l
}

// Engine returns a wasm engine for tests, closed at the end of the test.
func Engine(t testing.TB, o Options, logs *Logs) *wasm.Engine {
	t.Helper()
	e, err := wasm.NewEngine(context.Background(), wasm.Config{Limits: o.Limits, KV: o.KV, Logs: logs, CacheDir: CacheDir(),
		HTTPClient: o.HTTPClient, AllowPrivate: o.AllowPrivate}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	return e
}

// Installation returns the installation described by o for artifact.
func Installation(o Options, artifact []byte) hosts.Installation {
	sum := sha256.Sum256(artifact)
	if o.Tenant == "" {
		o.Tenant = "ten_test"
	}
	if o.Config == "" {
		o.Config = "{}"
	}
	return hosts.Installation{ID: core.NewID("pin"), Tenant: o.Tenant, PluginID: o.PluginID, Version: "test",
		Revision: 1, Hooks: o.Hooks, SHA256: hex.EncodeToString(sum[:]), Artifact: artifact,
		Config: []byte(o.Config), Secrets: o.Secrets, SecretNames: o.SecretNames, AllowedHosts: o.AllowedHosts}
}

// Load builds the plugin in dir and loads it as an installation under the
// production engine; it returns the plugin and its log.
func Load(t testing.TB, dir string, o Options) (hosts.Plugin, *Logs) {
	t.Helper()
	logs := &Logs{}
	e := Engine(t, o, logs)
	p, err := e.Load(context.Background(), Installation(o, Build(t, dir)))
	if err != nil {
		t.Fatalf("load %s: %v\nplugin log:\n%s", dir, err, logs.Text())
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p, logs
}

// FromHost fills Options from a pdktest fake, so one test can run the same
// plugin natively and under wazero with the same config and secrets.
func FromHost(h *pdktest.Host, o Options) Options {
	o.Config = h.ConfigJSON
	o.Secrets = h.Secrets
	o.SecretNames = h.Declared
	return o
}

// Call runs one hook on p with typed input and output.
func Call[O any, PO interface {
	*O
	hook.Decoder
}](ctx context.Context, p hosts.Plugin, name string, in hook.Encoder) (O, error) {
	var out O
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	b, err := p.Call(ctx, name, in.AppendMsg(nil))
	if err != nil {
		return out, err
	}
	err = PO(&out).UnmarshalMsg(b)
	return out, err
}
