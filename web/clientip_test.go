package web_test

import (
	"net"
	"net/http/httptest"
	"testing"

	"github.com/affcore/affcore/web"
)

func TestTrustedClientIP(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	ip := web.TrustedClientIP([]*net.IPNet{proxies})
	cases := []struct{ remote, xff, want string }{
		{"10.1.1.1:5000", "203.0.113.7", "203.0.113.7"},                         // from a trusted proxy
		{"10.1.1.1:5000", "198.51.100.1, 203.0.113.7, 10.2.2.2", "203.0.113.7"}, // rightmost untrusted hop
		{"192.0.2.9:5000", "203.0.113.7", "192.0.2.9"},                          // not a proxy: header ignored
		{"10.1.1.1:5000", "", "10.1.1.1"},                                       // proxy without header
		{"10.1.1.1:5000", "garbage", "10.1.1.1"},                                // malformed header
		{"[2001:db8::1]:443", "203.0.113.7", "2001:db8::1"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ip(r); got != tc.want {
			t.Errorf("remote %s xff %q: %s; want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
	for _, tc := range []struct {
		xff  []string
		want string
	}{
		{[]string{"198.51.100.1", "203.0.113.7, 10.2.2.2"}, "203.0.113.7"}, // several headers read as one list
		{[]string{"203.0.113.9", "10.3.3.3"}, "203.0.113.9"},               // the walk crosses headers
		{[]string{"203.0.113.7, junk, 10.2.2.2"}, "10.2.2.2"},              // stops at garbage: the last trusted hop
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr, r.Header["X-Forwarded-For"] = "10.1.1.1:5000", tc.xff
		if got := ip(r); got != tc.want {
			t.Errorf("xff %q: %s; want %s", tc.xff, got, tc.want)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr, r.Header["X-Forwarded-For"] = "10.1.1.1:1", []string{"1.2.3.4"}
	if got := web.TrustedClientIP(nil)(r); got != "10.1.1.1" {
		t.Errorf("no trusted proxies: %s", got)
	}
}
