package wasm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/wasm"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// TestHTTP_AllowedAndRedirects lets a payout-class plugin call an allowed
// https host on loopback (the operator allowed private targets, as tests
// do), and checks that a redirect to a host outside the allow-list is
// refused on the way.
func TestHTTP_AllowedAndRedirects(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("X-Answer", "42")
			_, _ = w.Write([]byte("paid " + r.UserAgent()))
		case "/away":
			http.Redirect(w, r, "https://evil.example/steal", http.StatusFound)
		}
	}))
	defer srv.Close()
	logs := &wasmtest.Logs{}
	o := wasmtest.Options{PluginID: "netspy", Hooks: []string{abi.HookPayout}, AllowedHosts: []string{"127.0.0.1:*"},
		AllowPrivate: true, HTTPClient: srv.Client(), Limits: wasmtest.Patient}
	e := wasmtest.Engine(t, o, logs)
	ctx := context.Background()
	p, err := e.Load(ctx, wasmtest.Installation(o, wasmtest.Build(t, "hosts/wasm/testdata/netspy")))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	res, err := wasmtest.Call[hook.PayoutResult](ctx, p, abi.HookPayout, hook.PayoutInput{Payout: hook.Payout{Address: srv.URL + "/ok"}})
	if err != nil || !strings.HasPrefix(res.Message, "paid") {
		t.Fatalf("allowed call: %+v %v\n%s", res, err, logs.Text())
	}
	_, err = wasmtest.Call[hook.PayoutResult](ctx, p, abi.HookPayout, hook.PayoutInput{Payout: hook.Payout{Address: srv.URL + "/away"}})
	var ce *hosts.CallError
	if !errors.As(err, &ce) || ce.Code != abi.CodeRejected {
		t.Fatalf("redirect to an unlisted host: %v", err)
	}
	if !strings.Contains(logs.Text(), "evil.example is not in the manifest's allowed hosts") {
		t.Fatalf("plugin log: %s", logs.Text())
	}
	if st, _ := wasm.StatsOf(p); st.Discarded != 1 {
		t.Fatalf("instance kept after a refused redirect: %+v", st)
	}
}

func TestHostAllowed(t *testing.T) {
	for _, c := range []struct {
		host    string
		allowed []string
		want    bool
	}{
		{"api.binance.com", []string{"api.binance.com"}, true},
		{"api.binance.com:443", []string{"api.binance.com"}, true},
		{"api.binance.com:8443", []string{"api.binance.com"}, false},
		{"API.Binance.com", []string{"api.binance.com"}, true},
		{"eu.api.example.com", []string{"*.example.com"}, true},
		{"example.com", []string{"*.example.com"}, false},
		{"evilexample.com", []string{"*.example.com"}, false},
		{"10.0.0.1:9000", []string{"10.0.0.1:9000"}, true},
		{"127.0.0.1:5555", []string{"127.0.0.1:*"}, true},
	} {
		if got := wasm.HostAllowed(c.host, c.allowed); got != c.want {
			t.Errorf("HostAllowed(%q, %v) = %v", c.host, c.allowed, got)
		}
	}
}
