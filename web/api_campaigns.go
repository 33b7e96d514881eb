package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
)

// campaignView is a campaign with its generated tracking URL.
type campaignView struct {
	catalog.Campaign
	TrackingURL string `json:"tracking_url"`
}

// campaignRequest is the body of POST and PUT /api/v1/campaigns.
type campaignRequest struct {
	Name        string `json:"name"`
	OfferID     string `json:"offer_id"`
	LandingID   string `json:"landing_id"`
	SourceID    string `json:"source_id"`
	Status      string `json:"status"`
	FallbackURL string `json:"fallback_url"`
}

func (q campaignRequest) campaign(id string) catalog.Campaign {
	return catalog.Campaign{ID: id, Name: q.Name, OfferID: q.OfferID, LandingID: q.LandingID, SourceID: q.SourceID,
		Status: q.Status, FallbackURL: q.FallbackURL}
}

// TrackingURL is the direct (partner-less) tracking link of a campaign.
func TrackingURL(baseURL, campaignID string) string {
	return baseURL + "/api/v1/track/" + url.PathEscape(campaignID)
}

// PostbackURL is the tenant's conversion postback URL, ready to paste into
// an ad network or advertiser system: {click_id}, {payout} and {tx_id} are
// placeholders that the sender replaces with its own macros.
func PostbackURL(baseURL, token string) string {
	return baseURL + "/api/v1/postback?token=" + url.QueryEscape(token) +
		"&click_id={click_id}&payout={payout}&currency=USD&status=approved&tx_id={tx_id}"
}

func (s *Server) campaignView(c catalog.Campaign) campaignView {
	return campaignView{Campaign: c, TrackingURL: TrackingURL(s.deps.BaseURL, c.ID)}
}

// handleCampaignList serves GET /api/v1/campaigns.
func (s *Server) handleCampaignList(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveList(s, func(ctx context.Context, t core.TenantID) ([]campaignView, error) {
		cs, err := c.Campaigns(ctx, t)
		out := make([]campaignView, 0, len(cs))
		for _, cm := range cs {
			out = append(out, s.campaignView(cm))
		}
		return out, err
	})
}

// handleCampaignCreate serves POST /api/v1/campaigns.
func (s *Server) handleCampaignCreate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusCreated, func(ctx context.Context, t core.TenantID, _ string, q campaignRequest) (campaignView, error) {
		cm, err := c.CreateCampaign(ctx, t, q.campaign(""))
		return s.campaignView(cm), err
	})
}

// handleCampaignGet serves GET /api/v1/campaigns/{id}.
func (s *Server) handleCampaignGet(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveGet(s, func(ctx context.Context, t core.TenantID, id string) (campaignView, error) {
		cm, err := c.Campaign(ctx, t, id)
		return s.campaignView(cm), err
	})
}

// handleCampaignUpdate serves PUT /api/v1/campaigns/{id}: the body replaces the campaign.
func (s *Server) handleCampaignUpdate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusOK, func(ctx context.Context, t core.TenantID, id string, q campaignRequest) (campaignView, error) {
		cm, err := c.UpdateCampaign(ctx, t, q.campaign(id))
		return s.campaignView(cm), err
	})
}

// handleCampaignDelete serves DELETE /api/v1/campaigns/{id}: the campaign is
// archived and its links stop redirecting.
func (s *Server) handleCampaignDelete(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveDelete(s, c.DeleteCampaign)
}
