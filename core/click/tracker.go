package click

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/affcore/affcore/core"
)

// Request is one click as the HTTP edge received it.
type Request struct {
	// Token is a partner link token (/c/{token}); CampaignID is used when
	// there is no token (/api/v1/track/{campaign_id}).
	Token      string
	CampaignID string
	IP         netip.Addr
	UserAgent  string
	Referrer   string
	RawQuery   string
}

// Result is where the visitor goes.
type Result struct {
	ClickID string
	URL     string
}

// ErrNotFound answers unknown, forged and archived links. Nothing is recorded.
var ErrNotFound = core.Errorf(core.KindNotFound, "link not found")

// TrackerConfig holds the Tracker's collaborators.
type TrackerConfig struct {
	Routes  *Routes
	Signer  *Signer
	Locator Locator  // nil: no GEO
	UA      UAParser // nil: no device
	// Recorder stores each click before its redirect (a Batcher).
	Recorder Recorder
	Clock    core.Clock
	// Hook is the click-scoring hook (plugins); nil uses only the built-in score.
	Hook Scorer
	// HookDeadline bounds the hook (default 5ms).
	HookDeadline time.Duration
}

// Tracker records clicks and decides where they go.
type Tracker struct{ cfg TrackerConfig }

// NewTracker returns a Tracker.
func NewTracker(cfg TrackerConfig) *Tracker {
	if cfg.HookDeadline == 0 {
		cfg.HookDeadline = 5 * time.Millisecond
	}
	return &Tracker{cfg: cfg}
}

// Track resolves the link, records the click durably (it is in the click
// stream when Track returns) and returns the destination.
func (t *Tracker) Track(ctx context.Context, req Request) (Result, error) {
	route, partnerID, err := t.resolve(req)
	if err != nil {
		return Result{}, err
	}
	c := t.build(req, route, partnerID)
	dest := t.destination(route, c)
	if dest == "" {
		return Result{}, ErrNotFound // paused with nowhere to send the visitor
	}
	t.score(ctx, c, req.UserAgent)
	payload, err := c.AppendBinary(make([]byte, 0, 512))
	if err != nil {
		return Result{}, fmt.Errorf("encode click: %w", err)
	}
	if err := t.cfg.Recorder.Record(ctx, c.ID, payload); err != nil {
		return Result{}, core.Wrap(core.KindUnavailable, err, "the click could not be recorded; try again")
	}
	return Result{ClickID: c.ID, URL: Fill(dest, c)}, nil
}

// resolve finds the route of a token or campaign id.
func (t *Tracker) resolve(req Request) (*Route, string, error) {
	campaignID, partnerID := req.CampaignID, ""
	if req.Token != "" {
		var ok bool
		if campaignID, partnerID, ok = t.cfg.Signer.Verify(req.Token); !ok {
			return nil, "", ErrNotFound
		}
	}
	route := t.cfg.Routes.Get(campaignID)
	if route == nil || (partnerID != "" && !route.Partners[partnerID]) {
		return nil, "", ErrNotFound
	}
	return route, partnerID, nil
}

// build makes the click from the request.
func (t *Tracker) build(req Request, route *Route, partnerID string) *Click {
	now := t.cfg.Clock.Now().Truncate(time.Millisecond)
	p := ParseQuery(req.RawQuery)
	c := &Click{
		ID: core.NewIDAt("clk", now), TenantID: route.TenantID, At: now,
		CampaignID: route.CampaignID, OfferID: route.OfferID, PartnerID: partnerID,
		SourceID: route.SourceID, LandingID: route.LandingID,
		UserAgent: clean(req.UserAgent, 512), Referrer: clean(req.Referrer, 1024),
		Subs: p.Subs, GCLID: p.GCLID, FBCLID: p.FBCLID, TTCLID: p.TTCLID, Params: p.Other, Route: "offer",
	}
	if req.IP.IsValid() {
		c.IP = req.IP.Unmap().String()
		if t.cfg.Locator != nil {
			g := t.cfg.Locator.Locate(req.IP.Unmap())
			c.Country, c.Region, c.City, c.ASN = g.Country, g.Region, g.City, g.ASN
		}
	}
	return c
}

// destination picks the URL template: the offer (or landing), or the
// fallback when the campaign is paused, the offer capped, or the country
// not allowed. It records the reason in c.Route.
func (t *Tracker) destination(route *Route, c *Click) string {
	switch {
	case !route.Serving:
		c.Route = "paused"
	case route.Capped:
		c.Route = "cap"
	case len(route.Countries) > 0 && !slices.Contains(route.Countries, c.Country):
		c.Route = "country"
	default:
		return route.Destination
	}
	return route.Fallback
}

// score sets the device fields, the score and the fraud flag.
func (t *Tracker) score(ctx context.Context, c *Click, ua string) {
	var d Device
	if t.cfg.UA != nil && ua != "" {
		d = t.cfg.UA.Parse(ua)
	}
	c.Device, c.OS, c.Browser = d.Type, d.OS, d.Browser
	s := builtinScore(c, d)
	c.Score, c.Reasons = s.Value, s.Reasons // the hook sees the built-in verdict
	if t.cfg.Hook != nil && scorerActive(t.cfg.Hook, c.TenantID) {
		if hs, ok := hookScore(ctx, t.cfg.Hook, c, t.cfg.HookDeadline); ok && hs.Value < s.Value {
			s = Score{Value: max(hs.Value, 0), Reasons: hs.Reasons}
		}
	}
	c.Score, c.Reasons, c.Fraud = s.Value, s.Reasons, s.Value <= FraudThreshold
}
