package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
)

// testApp is the whole product wired as `affcore serve` wires it, on a fresh
// database and NATS server, served over loopback HTTP.
type testApp struct {
	t   *testing.T
	srv *httptest.Server
	in  *infra
	app *app
}

// cheapArgon keeps argon2id but at a cost that suits a test suite.
var cheapArgon = identity.ArgonParams{Memory: 1024, Time: 1, Threads: 1}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	in := &infra{db: coretest.DB(t), bus: coretest.NATS(t)}
	if err := in.bus.EnsureStreams(context.Background(), event.Streams()); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, secret.KeySize)
	_, _ = rand.Read(key)
	box, _ := secret.NewBox(key)
	ta := &testApp{t: t, in: in}
	ta.srv = httptest.NewUnstartedServer(nil)
	// Trust the key `make plugins` signs the first-party bundles with, as
	// `make build` does, so dist/plugins registers as the marketplace.
	// Their compiled code comes from the test run's shared cache.
	pub, _ := os.ReadFile(".keys/platform.key.pub")
	dataDir := t.TempDir()
	if err := os.MkdirAll(wasmtest.CacheDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(wasmtest.CacheDir(), filepath.Join(dataDir, "wasm-cache")); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig("serve", []string{"--data-dir", dataDir, "--base-url", "http://" + ta.srv.Listener.Addr().String()},
		env(map[string]string{"AFFCORE_ALLOW_PRIVATE_OUTBOUND": "1", "AFFCORE_PLUGIN_KEYS": strings.TrimSpace(string(pub))}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.argon, cfg.rateLimitFactor = cheapArgon, 100
	a, err := newApp(context.Background(), cfg, in, box, prometheus.NewRegistry(), coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	ta.app = a
	ctx, cancel := context.WithCancel(context.Background())
	wait := a.run(ctx)
	ta.srv.Config.Handler = a.handler
	ta.srv.Start()
	t.Cleanup(func() { ta.srv.Close(); cancel(); wait() })
	return ta
}

// call sends a JSON request with an optional bearer token and returns the
// status and body.
func (ta *testApp) call(method, path, token string, body any) (int, []byte) {
	ta.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, ta.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := ta.srv.Client().Do(req)
	if err != nil {
		ta.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// must calls and requires the status, decoding the answer into out (if non-nil).
func (ta *testApp) must(want int, method, path, token string, body, out any) []byte {
	ta.t.Helper()
	status, b := ta.call(method, path, token, body)
	if status != want {
		ta.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			ta.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return b
}

// advertiser signs up a new tenant and returns its owner's token and tenant id.
func (ta *testApp) advertiser(email string) (token, tenant string) {
	ta.t.Helper()
	var out struct {
		Token    string `json:"token"`
		TenantID string `json:"tenant_id"`
	}
	ta.must(201, "POST", "/api/v1/auth/signup", "", map[string]string{"email": email, "password": "a long enough pass", "company": "Co " + email}, &out)
	return out.Token, out.TenantID
}

// partner invites and registers a partner of the owner's tenant.
func (ta *testApp) partner(ownerToken, email string) (token, partnerID string) {
	ta.t.Helper()
	var inv struct{ Token string }
	ta.must(201, "POST", "/api/v1/partners/invites", ownerToken, map[string]any{}, &inv)
	var out struct {
		PartnerID string `json:"partner_id"`
		Token     string
	}
	ta.must(201, "POST", "/api/v1/auth/partner-signup", "", map[string]string{"invite_token": inv.Token, "email": email,
		"password": "a long enough pass", "name": "Partner " + email}, &out)
	return out.Token, out.PartnerID
}

// outboxLink returns the first link in the newest dev-outbox email to addr.
func (ta *testApp) outboxLink(addr string) string {
	ta.t.Helper()
	var msgs []struct{ To, Body string }
	ta.must(200, "GET", "/dev/outbox?format=json", "", nil, &msgs)
	for _, m := range msgs {
		if m.To == addr {
			for _, f := range strings.Fields(m.Body) {
				if strings.HasPrefix(f, "http") {
					return f
				}
			}
		}
	}
	ta.t.Fatalf("no email with a link to %s in the outbox", addr)
	return ""
}
