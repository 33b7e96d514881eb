package main

import (
	"net"
	"net/http"
	"strings"

	"github.com/affcore/affcore/web"
)

// clientIP returns the function that finds a request's client IP: the peer
// address, or — when the peer is a trusted proxy — the right-most address of
// X-Forwarded-For that is not itself a trusted proxy.
func clientIP(cfg Config) func(r *http.Request) string {
	if len(cfg.TrustedProxies) == 0 {
		return web.RemoteIP
	}
	trusted := func(ip net.IP) bool {
		for _, n := range cfg.TrustedProxies {
			if n.Contains(ip) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		peer := web.RemoteIP(r)
		if ip := net.ParseIP(peer); ip == nil || !trusted(ip) {
			return peer
		}
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop := strings.TrimSpace(hops[i])
			ip := net.ParseIP(hop)
			if ip == nil {
				return peer
			}
			if !trusted(ip) {
				return ip.String()
			}
		}
		return peer
	}
}
