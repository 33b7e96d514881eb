package outbound_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/affcore/affcore/core/outbound"
)

func TestForbidden(t *testing.T) {
	refused := []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1",
		"fc00::1", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1", "224.0.0.1", "100.100.100.200", "64:ff9b::a00:1"}
	for _, s := range refused {
		if !outbound.Forbidden(netip.MustParseAddr(s)) {
			t.Errorf("%s allowed; want refused", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.216.34"} {
		if outbound.Forbidden(netip.MustParseAddr(s)) {
			t.Errorf("%s refused; want allowed", s)
		}
	}
}

func TestClient_RefusesLoopbackUnlessAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()

	_, err := outbound.NewClient(outbound.Config{}).Get(srv.URL)
	if !errors.Is(err, outbound.ErrForbiddenAddress) {
		t.Fatalf("loopback request: %v; want ErrForbiddenAddress", err)
	}
	res, err := outbound.NewClient(outbound.Config{AllowPrivate: true}).Get(srv.URL)
	if err != nil || res.StatusCode != 204 {
		t.Fatalf("allowed loopback request: %v %v", res, err)
	}
	res.Body.Close()
	if err := outbound.CheckURLHost(context.Background(), "localhost", false); !errors.Is(err, outbound.ErrForbiddenAddress) {
		t.Errorf("CheckURLHost(localhost) = %v", err)
	}
}

func TestClient_RedirectsLimited(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/again", http.StatusFound)
	}))
	defer srv.Close()
	_, err := outbound.NewClient(outbound.Config{AllowPrivate: true, MaxRedirects: 2}).Get(srv.URL)
	if err == nil {
		t.Fatal("endless redirects followed")
	}
}
