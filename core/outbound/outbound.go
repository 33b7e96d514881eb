// Package outbound is the one way affcore calls the outside world over HTTP
// (partner postbacks, webhooks, plugin HTTP). Its client refuses private,
// loopback, link-local, multicast and cloud-metadata addresses — checked on
// the resolved IP at dial time, so DNS tricks and redirects are covered —
// unless the operator allows private targets (AFFCORE_ALLOW_PRIVATE_OUTBOUND,
// for tests on loopback and closed networks). Redirects are limited and each
// hop is checked again.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned when a request would reach a refused address.
var ErrForbiddenAddress = errors.New("outbound request to a private, loopback, link-local or metadata address refused")

// Config tunes a client.
type Config struct {
	// AllowPrivate lets requests reach private and loopback addresses.
	AllowPrivate bool
	// Timeout bounds a whole request including the body (default 10s).
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed (default 3; 0 keeps the default, -1 follows none).
	MaxRedirects int
	// MaxConnsPerHost bounds concurrent connections per host (0 = unlimited).
	MaxConnsPerHost int
	// UserAgent is sent when a request sets none.
	UserAgent string
}

// NewClient returns an *http.Client that enforces the address policy.
func NewClient(cfg Config) *http.Client {
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = 3
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: control(cfg.AllowPrivate)}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		Proxy:                 nil, // a proxy would hide the real target from the check
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   32,
		MaxConnsPerHost:       cfg.MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	var rt http.RoundTripper = tr
	if cfg.UserAgent != "" {
		rt = userAgent{next: tr, ua: cfg.UserAgent}
	}
	return &http.Client{
		Transport: rt,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if cfg.MaxRedirects < 0 || len(via) > cfg.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", len(via))
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to scheme %q refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// control runs after DNS resolution, on the exact address being dialled.
func control(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: unparseable address %q", ErrForbiddenAddress, address)
		}
		if !allowPrivate && Forbidden(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
		}
		return nil
	}
}

// metadata lists cloud metadata endpoints outside the ranges netip already
// classifies as private or link-local.
var metadata = []netip.Prefix{
	netip.MustParsePrefix("169.254.169.254/32"), // AWS, GCP, Azure, OpenStack
	netip.MustParsePrefix("fd00:ec2::254/128"),  // AWS IPv6
	netip.MustParsePrefix("100.100.100.200/32"), // Alibaba Cloud
}

// reserved covers ranges that are not public unicast internet addresses.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
	netip.MustParsePrefix("2001:db8::/32"),
}

// Forbidden reports whether addr is not a public unicast address.
func Forbidden(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() ||
		addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return true
	}
	for _, p := range append(metadata, reserved...) {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// CheckURLHost resolves host and reports ErrForbiddenAddress when any of its
// addresses is refused; callers use it to reject a configured URL early, with
// a clear message, before any delivery is attempted.
func CheckURLHost(ctx context.Context, host string, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if Forbidden(ip) {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, ip)
		}
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if Forbidden(a) {
			return fmt.Errorf("%w: %s resolves to %s", ErrForbiddenAddress, host, a)
		}
	}
	return nil
}

type userAgent struct {
	next http.RoundTripper
	ua   string
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", u.ua)
	}
	return u.next.RoundTrip(r)
}
