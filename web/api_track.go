package web

import (
	"net/http"
	"net/netip"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/click"
)

// handleClick serves GET /c/{token} (partner links) and GET
// /api/v1/track/{campaign_id}: the click is recorded durably, then the
// visitor is redirected with 302. Unknown or forged links answer 404 and
// record nothing.
func (s *Server) handleClick(t *click.Tracker) http.HandlerFunc {
	if t == nil {
		return s.unavailable("click tracking")
	}
	noStore, referrer := []string{"no-store"}, []string{"no-referrer-when-downgrade"} // shared, never edited
	return func(w http.ResponseWriter, r *http.Request) {
		res, err := t.Track(r.Context(), s.clickRequest(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h := w.Header()
		h["Location"], h["Cache-Control"], h["Referrer-Policy"] = []string{res.URL}, noStore, referrer
		w.WriteHeader(http.StatusFound)
	}
}

// clickRequest describes the visitor of a click request.
func (s *Server) clickRequest(r *http.Request) click.Request {
	ip, _ := netip.ParseAddr(s.deps.ClientIP(r))
	return click.Request{
		Token: chi.URLParam(r, "token"), CampaignID: chi.URLParam(r, "campaign_id"), IP: ip,
		UserAgent: r.UserAgent(), Referrer: r.Referer(), RawQuery: r.URL.RawQuery,
	}
}

// trackRequest is the optional body of POST /api/v1/track: the visitor as a
// server-side integration saw it (else the caller's own address and agent).
type trackRequest struct {
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	Referrer  string `json:"referrer"`
}

// handleTrackServer serves POST /api/v1/track?campaign_id=: a click recorded
// for a server-side integration, answered with its id and destination.
func (s *Server) handleTrackServer(t *click.Tracker) http.HandlerFunc {
	if t == nil {
		return s.unavailable("click tracking")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		req := s.clickRequest(r)
		req.CampaignID = r.URL.Query().Get("campaign_id")
		if req.CampaignID == "" {
			s.writeError(w, r, core.Invalid("campaign_id", "is required"))
			return
		}
		if err := visitorFromBody(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := t.Track(r.Context(), req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]string{"click_id": res.ClickID, "url": res.URL})
	}
}

// visitorFromBody applies an optional JSON body describing the visitor.
func visitorFromBody(w http.ResponseWriter, r *http.Request, req *click.Request) error {
	if r.ContentLength == 0 {
		return nil // no body: the caller is the visitor
	}
	var body trackRequest
	if err := decode(w, r, &body); err != nil {
		return err
	}
	if body.IP != "" {
		ip, err := netip.ParseAddr(body.IP)
		if err != nil {
			return core.Invalid("ip", "must be an IPv4 or IPv6 address")
		}
		req.IP = ip
	}
	if body.UserAgent != "" {
		req.UserAgent = body.UserAgent
	}
	if body.Referrer != "" {
		req.Referrer = body.Referrer
	}
	return nil
}
