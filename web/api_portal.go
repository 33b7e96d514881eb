package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
)

// portalOffer is an offer as a partner sees it: no fallback URL and no caps.
type portalOffer struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	URL       string        `json:"url"`
	Payout    core.Decimal  `json:"payout"`
	Currency  core.Currency `json:"currency"`
	Countries []string      `json:"countries"`
}

// handleMyOffers serves GET /api/v1/me/offers: only offers granted to the
// calling partner.
func (s *Server) handleMyOffers(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		offers, err := c.PartnerOffers(r.Context(), p.TenantID, p.PartnerID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		items := make([]portalOffer, 0, len(offers))
		for _, o := range offers {
			items = append(items, portalOffer{ID: o.ID, Name: o.Name, URL: o.URL, Payout: o.Payout, Currency: o.Currency, Countries: o.Countries})
		}
		respond(w, http.StatusOK, list[portalOffer]{Items: items})
	}
}

// linkRequest is the body of POST /api/v1/me/links.
type linkRequest struct {
	OfferID string `json:"offer_id"`
	Sub1    string `json:"sub1"`
	Sub2    string `json:"sub2"`
	Sub3    string `json:"sub3"`
	Sub4    string `json:"sub4"`
	Sub5    string `json:"sub5"`
}

// handleMyLink serves POST /api/v1/me/links: the calling partner's tracking
// link for a granted offer, with optional sub-ids.
func (s *Server) handleMyLink(c *catalog.Service, links *click.Signer) http.HandlerFunc {
	if c == nil || links == nil {
		return s.unavailable("partner links")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var q linkRequest
		if err := decode(w, r, &q); err != nil {
			s.writeError(w, r, err)
			return
		}
		var v core.Validator
		v.Check(q.OfferID != "", "offer_id", "is required")
		subs := []string{q.Sub1, q.Sub2, q.Sub3, q.Sub4, q.Sub5}
		for i, sub := range subs {
			v.Check(len(sub) <= click.MaxValueLen, "sub"+strconv.Itoa(i+1), "must be at most 255 characters")
		}
		if err := v.Err(); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		cm, err := c.PartnerCampaign(r.Context(), p.TenantID, p.PartnerID, q.OfferID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]string{"url": s.linkURL(links.Sign(cm.ID, p.PartnerID), subs),
			"offer_id": q.OfferID, "campaign_id": cm.ID})
	}
}

// linkURL builds /c/{token} with the non-empty sub-ids as query parameters.
func (s *Server) linkURL(token string, subs []string) string {
	vals := url.Values{}
	for i, sub := range subs {
		if sub != "" {
			vals.Set("sub"+strconv.Itoa(i+1), sub)
		}
	}
	u := s.deps.BaseURL + "/c/" + token
	if len(vals) > 0 {
		u += "?" + vals.Encode()
	}
	return u
}
