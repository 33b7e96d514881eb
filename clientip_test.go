package main

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/affcore/affcore/web"
)

func TestClientIP_TrustedProxies(t *testing.T) {
	cfg, err := parseConfig("serve", []string{"--trusted-proxies", "10.0.0.0/8"}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ip := web.TrustedClientIP(cfg.TrustedProxies)
	cases := []struct{ peer, xff, want string }{
		{"203.0.113.9:1234", "1.2.3.4", "203.0.113.9"},             // untrusted peer: header ignored
		{"10.1.1.1:1234", "1.2.3.4", "1.2.3.4"},                    // trusted proxy
		{"10.1.1.1:1234", "6.6.6.6, 1.2.3.4, 10.2.2.2", "1.2.3.4"}, // right-most untrusted hop; a forged left part is ignored
		{"10.1.1.1:1234", "garbage", "10.1.1.1"},
		{"10.1.1.1:1234", "", "10.1.1.1"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ip(r); got != tc.want {
			t.Errorf("peer %s xff %q: %s; want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
}
