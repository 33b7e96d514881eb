package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedClientIP returns a ClientIP function that believes X-Forwarded-For
// only when the connection comes from one of the trusted proxy networks. It
// walks the header from the right, skipping trusted proxies, and returns the
// first address that is not one: the client as the outermost trusted proxy
// saw it. Without trusted networks it is RemoteIP.
func TrustedClientIP(trusted []*net.IPNet) func(r *http.Request) string {
	if len(trusted) == 0 {
		return RemoteIP
	}
	prefixes := make([]netip.Prefix, 0, len(trusted))
	for _, n := range trusted {
		ip, _ := netip.AddrFromSlice(n.IP)
		ones, _ := n.Mask.Size()
		prefixes = append(prefixes, netip.PrefixFrom(ip.Unmap(), ones).Masked())
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range prefixes {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		peer, err := netip.ParseAddr(RemoteIP(r))
		if err != nil || !isTrusted(peer) {
			return RemoteIP(r)
		}
		hops := r.Header.Values("X-Forwarded-For") // each header may list several, the last one nearest
		for i := len(hops) - 1; i >= 0; i-- {
			for rest, more := hops[i], true; more; {
				var hop string
				if j := strings.LastIndexByte(rest, ','); j >= 0 {
					rest, hop = rest[:j], rest[j+1:]
				} else {
					hop, more = rest, false
				}
				a, err := netip.ParseAddr(strings.TrimSpace(hop))
				if err != nil {
					return peer.Unmap().String()
				}
				if !isTrusted(a) {
					return a.Unmap().String()
				}
				peer = a
			}
		}
		return peer.Unmap().String()
	}
}
