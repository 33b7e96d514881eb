package web

import (
	"net/http"
	"net/netip"
	"strconv"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/conversion"
)

// maxPostbackBody bounds a POST postback's form body.
const maxPostbackBody = 64 << 10

// handlePostback serves GET and POST /api/v1/postback: a conversion from an
// advertiser or network, authenticated by the tenant's postback token.
func (s *Server) handlePostback(c *conversion.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("conversion postbacks")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxPostbackBody)
		if err := r.ParseForm(); err != nil {
			s.writeError(w, r, core.Invalid("body", "must be a URL-encoded form"))
			return
		}
		ip, _ := netip.ParseAddr(s.deps.ClientIP(r))
		out, err := c.Receive(r.Context(), conversion.Incoming{Values: r.Form, Method: r.Method, IP: ip})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, out)
	}
}

// handleConversionList serves GET /api/v1/conversions?status=&limit=&cursor=.
func (s *Server) handleConversionList(c *conversion.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("conversions")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := pageLimit(q.Get("limit"))
		items, err := c.Conversions(r.Context(), principal(r).TenantID, conversion.ListQuery{
			Status: q.Get("status"), Limit: limit, Before: q.Get("cursor")})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[conversion.Conversion]{Items: items}
		if len(items) > 0 && len(items) == limit {
			out.NextCursor = items[len(items)-1].ID
		}
		respond(w, http.StatusOK, out)
	}
}

// handlePostbackLog serves GET /api/v1/postbacks/incoming: every incoming
// postback with its outcome, newest first.
func (s *Server) handlePostbackLog(c *conversion.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("conversions")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := pageLimit(q.Get("limit"))
		items, err := c.Postbacks(r.Context(), principal(r).TenantID, limit, q.Get("cursor"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[conversion.LogEntry]{Items: items}
		if len(items) > 0 && len(items) == limit {
			out.NextCursor = items[len(items)-1].ID
		}
		respond(w, http.StatusOK, out)
	}
}

// pageLimit reads a page size: 1 to 500, default 100.
func pageLimit(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 500 {
		return 100
	}
	return n
}
