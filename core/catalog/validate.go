package catalog

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/affcore/affcore/core"
)

// macroRE matches one macro such as {click_id} in a destination template.
var macroRE = regexp.MustCompile(`\{[a-z0-9_]+\}`)

// checkURL validates a destination template: an absolute http(s) URL once
// its macros are replaced by a sample value.
func checkURL(v *core.Validator, field, raw string, required bool) {
	if raw == "" {
		v.Check(!required, field, "is required")
		return
	}
	if len(raw) > 2048 || !utf8.ValidString(raw) || strings.ContainsAny(raw, " \t\r\n") {
		v.Add(field, "must be a URL of at most 2048 characters without spaces")
		return
	}
	u, err := url.Parse(macroRE.ReplaceAllString(raw, "x"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.Add(field, "must be an absolute http or https URL")
	}
}

func checkName(v *core.Validator, name string) {
	v.Check(strings.TrimSpace(name) != "" && utf8.RuneCountInString(name) <= 200 && utf8.ValidString(name),
		"name", "is required, at most 200 characters")
}

func checkStatus(v *core.Validator, status string) {
	v.Check(status == StatusActive || status == StatusPaused || status == StatusArchived,
		"status", "must be active, paused or archived")
}

// normalize fills defaults and validates o.
func (o *Offer) normalize() error {
	var v core.Validator
	checkName(&v, o.Name)
	checkURL(&v, "url", o.URL, true)
	checkURL(&v, "fallback_url", o.FallbackURL, false)
	if o.Status == "" {
		o.Status = StatusActive
	}
	checkStatus(&v, o.Status)
	v.Check(o.Payout.Sign() >= 0, "payout", "must not be negative")
	if o.Currency == "" {
		o.Currency = "USD"
	} else if c, err := core.ParseCurrency(string(o.Currency)); err != nil {
		v.Add("currency", "must be a currency code such as USD")
	} else {
		o.Currency = c
	}
	o.Countries = normalizeCountries(&v, o.Countries)
	v.Check(o.DailyCap >= 0, "daily_cap", "must not be negative")
	v.Check(o.TotalCap >= 0, "total_cap", "must not be negative")
	needsFallback := o.DailyCap > 0 || o.TotalCap > 0 || len(o.Countries) > 0
	v.Check(!needsFallback || o.FallbackURL != "", "fallback_url", "is required when the offer has caps or allowed countries")
	return v.Err()
}

func normalizeCountries(v *core.Validator, in []string) []string {
	out := make([]string, 0, len(in))
	for _, c := range in {
		c = strings.ToUpper(strings.TrimSpace(c))
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			v.Add("countries", "must be ISO 3166-1 alpha-2 codes such as US")
			return nil
		}
		out = append(out, c)
	}
	return out
}

func (l *Landing) normalize() error {
	var v core.Validator
	checkName(&v, l.Name)
	checkURL(&v, "url", l.URL, true)
	return v.Err()
}

func (s *Source) normalize() error {
	var v core.Validator
	checkName(&v, s.Name)
	return v.Err()
}

func (c *Campaign) normalize() error {
	var v core.Validator
	checkName(&v, c.Name)
	v.Check(c.OfferID != "", "offer_id", "is required")
	checkURL(&v, "fallback_url", c.FallbackURL, false)
	if c.Status == "" {
		c.Status = StatusActive
	}
	checkStatus(&v, c.Status)
	return v.Err()
}
