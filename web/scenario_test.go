package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// scenario is one API test case: a request and what its answer must and must
// not contain (PocketBase ApiScenario style).
type scenario struct {
	name        string
	method      string
	url         string
	body        string
	token       string
	headers     map[string]string
	wantStatus  int
	wantContent []string // substrings the body must contain
	notContent  []string // substrings the body must not contain
	wantHeader  map[string]string
}

// run sends the request to srv over loopback HTTP and checks the answer. It
// returns the body for further assertions.
func (sc scenario) run(t *testing.T, srv *httptest.Server) []byte {
	t.Helper()
	var body io.Reader
	if sc.body != "" {
		body = strings.NewReader(sc.body)
	}
	req, err := http.NewRequest(sc.method, srv.URL+sc.url, body)
	if err != nil {
		t.Fatal(err)
	}
	if sc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.token != "" {
		req.Header.Set("Authorization", "Bearer "+sc.token)
	}
	for k, v := range sc.headers {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != sc.wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %s", sc.method, sc.url, res.StatusCode, sc.wantStatus, b)
	}
	for _, want := range sc.wantContent {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s %s: body lacks %q: %s", sc.method, sc.url, want, b)
		}
	}
	for _, bad := range sc.notContent {
		if strings.Contains(string(b), bad) {
			t.Errorf("%s %s: body contains %q: %s", sc.method, sc.url, bad, b)
		}
	}
	for k, v := range sc.wantHeader {
		if got := res.Header.Get(k); !strings.HasPrefix(got, v) {
			t.Errorf("%s %s: header %s = %q, want prefix %q", sc.method, sc.url, k, got, v)
		}
	}
	if res.StatusCode >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s %s: error answer has Content-Type %q, want application/problem+json", sc.method, sc.url, res.Header.Get("Content-Type"))
	}
	return b
}

// decodeJSON unmarshals b into v or fails the test.
func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// staticAuth authenticates fixed tokens as fixed principals, for route tests
// of an area that do not need the real sign-up and login flows.
type staticAuth map[string]access.Principal

func (a staticAuth) Authenticate(_ context.Context, token, _ string) (access.Principal, error) {
	p, ok := a[token]
	if !ok {
		return access.Principal{}, core.Errorf(core.KindUnauthorized, "invalid or expired token")
	}
	return p, nil
}

func (a staticAuth) Refresh(context.Context, string, string) (string, access.Principal, error) {
	return "", access.Principal{}, core.Errorf(core.KindUnauthorized, "invalid or expired token")
}
