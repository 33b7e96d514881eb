package main

import (
	"context"
	"strconv"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/hosts"
	hook "github.com/affcore/affcore/pdk/go/hook"
)

// clickScorer serves the click path's scoring hook from the tenant's
// click-scoring plugins. Both sides use one convention: 0 is certainly
// invalid traffic, 100 is clean; the Tracker keeps the lower of its built-in
// score and the plugin's, and the hook fails open within its deadline.
type clickScorer struct{ hooks *hosts.Hooks }

// Active implements click.ActiveScorer: only tenants with a click-scoring
// plugin pay for the hook.
func (s clickScorer) Active(tenant core.TenantID) bool {
	return s.hooks != nil && s.hooks.ClickActive(context.Background(), tenant)
}

// Score implements click.Scorer.
func (s clickScorer) Score(ctx context.Context, c *click.Click) (click.Score, error) {
	if s.hooks == nil {
		return click.Score{Value: c.Score, Reasons: c.Reasons}, nil
	}
	out := s.hooks.ScoreClick(ctx, c.TenantID, hook.ClickInput{
		SchemaVersion: 1, ClickID: c.ID, CampaignID: c.CampaignID, OfferID: c.OfferID, PartnerID: c.PartnerID,
		SourceID: c.SourceID, IP: c.IP, UserAgent: c.UserAgent, Referer: c.Referrer, Country: c.Country,
		ASN: int64(c.ASN), ASNOrg: strconv.FormatUint(uint64(c.ASN), 10), Device: c.Device, OS: c.OS, Browser: c.Browser,
		BuiltinScore: int64(c.Score), BuiltinReasons: c.Reasons, At: c.At,
	})
	return click.Score{Value: int(out.Score), Reasons: out.Reasons}, nil
}
