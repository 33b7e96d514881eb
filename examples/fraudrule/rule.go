// Command fraudrule is an example click-scoring plugin (hook click_score)
// with an agency's own fraud rules, chained after the built-in scorer: it
// starts from the score it receives and takes points off for traffic the
// advertiser does not want — countries outside the offer's targets,
// referrers from known spam domains, sub-ids on a blocklist, and too many
// clicks per IP in an hour.
package main

import (
	"encoding/json"
	"slices"
	"strings"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

// Config is the installation's configuration (see manifest.json).
type Config struct {
	AllowedCountries []string `json:"allowed_countries"`  // empty = all
	SpamReferrers    []string `json:"spam_referrers"`     // domains; subdomains match too
	BlockedSources   []string `json:"blocked_source_ids"` // traffic sources (source_id)
	MaxClicksPerHour int64    `json:"max_clicks_per_hour"`
}

var cfg = Config{MaxClicksPerHour: 30}

// setup parses the configuration once per instance.
func setup(raw []byte) error {
	c := Config{MaxClicksPerHour: 30}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c); err != nil {
			return pdk.Fail("invalid_config", "%v", err)
		}
	}
	cfg = c
	return nil
}

// Score is the click_score hook. It refines the score it is given
// (BuiltinScore: the built-in scorer's, or the previous plugin's in a chain).
func Score(in hook.ClickInput) (hook.ClickScore, error) {
	out := hook.ClickScore{Score: in.BuiltinScore, Reasons: in.BuiltinReasons}
	take := func(points int64, reason string) {
		out.Score = max(out.Score-points, 0)
		out.Reasons = append(out.Reasons, reason)
	}
	if len(cfg.AllowedCountries) > 0 && !slices.Contains(cfg.AllowedCountries, in.Country) {
		take(60, "country_not_targeted")
	}
	if d := referrerDomain(in.Referer); d != "" && spam(d) {
		take(80, "spam_referrer")
	}
	if slices.Contains(cfg.BlockedSources, in.SourceID) {
		take(100, "blocked_source")
	}
	if in.IPClicks1h >= cfg.MaxClicksPerHour {
		take(30, "ip_over_hourly_cap")
	}
	return out, nil
}

func referrerDomain(ref string) string {
	_, rest, ok := strings.Cut(ref, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, ":")
	return strings.ToLower(host)
}

func spam(domain string) bool {
	for _, s := range cfg.SpamReferrers {
		if domain == s || strings.HasSuffix(domain, "."+s) {
			return true
		}
	}
	return false
}

func main() {}
