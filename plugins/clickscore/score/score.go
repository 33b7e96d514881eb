// Package score is the logic of affcore's built-in click-quality scorer:
// rules over the click facts — datacenter networks, bot user agents, missing
// or inconsistent browser headers, and click bursts from one IP — produce a
// score from 0 (invalid) to 100 (clean) and the reasons behind it. The
// clickscore plugin (package main beside it) serves it as a Wasm plugin; the
// server can also run the same code in process for the installed version it
// was built with.
package score

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/affcore/affcore/pdk/go/hook"
)

// Version is the plugin version this code is (manifest.json "version").
const Version = "1.0.0"

// Config is an installation's configuration (manifest.json config_schema).
type Config struct {
	DatacenterPenalty int64    `json:"datacenter_penalty"`
	BotPenalty        int64    `json:"bot_penalty"`
	BurstPerMinute    int64    `json:"burst_per_minute"`
	MaxPerHour        int64    `json:"max_per_hour"`
	MaxPerDay         int64    `json:"max_per_day"`
	BlockedASNs       []int64  `json:"blocked_asns"`
	ExtraBotPatterns  []string `json:"extra_bot_patterns"`
}

// Defaults returns the configuration used when none is given.
func Defaults() Config {
	return Config{DatacenterPenalty: 40, BotPenalty: 70, BurstPerMinute: 10, MaxPerHour: 60, MaxPerDay: 300}
}

// Scorer scores clicks with one installation's configuration.
type Scorer struct{ config Config }

// New parses an installation's JSON configuration (empty = defaults).
func New(raw []byte) (*Scorer, error) {
	c := Defaults()
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("clickscore config: %w", err)
		}
	}
	for i, p := range c.ExtraBotPatterns {
		c.ExtraBotPatterns[i] = strings.ToLower(p)
	}
	return &Scorer{config: c}, nil
}

// hostingASNs are networks of cloud and hosting providers: real users rarely
// click ads from them.
var hostingASNs = []int64{
	16509, 14618, // Amazon
	15169, 396982, // Google, Google Cloud
	8075,   // Microsoft
	14061,  // DigitalOcean
	16276,  // OVH
	24940,  // Hetzner
	63949,  // Akamai Connected Cloud (Linode)
	20473,  // Vultr (Choopa)
	45102,  // Alibaba Cloud
	9009,   // M247
	212238, // Datacamp (CDN77)
	36352,  // ColoCrossing
}

// botMarkers appear in the user agents of crawlers, scripts and automation.
var botMarkers = []string{"bot", "crawl", "spider", "slurp", "curl/", "wget/", "python-requests", "python-urllib",
	"go-http-client", "okhttp", "java/", "libwww", "httpclient", "scrapy", "headlesschrome", "phantomjs",
	"selenium", "puppeteer", "playwright", "lighthouse", "facebookexternalhit", "preview"}

// Score is the click_score hook.
func (sc *Scorer) Score(in hook.ClickInput) hook.ClickScore {
	s := scorer{score: 100, config: &sc.config}
	s.network(in)
	s.agent(in)
	s.headers(in)
	s.frequency(in)
	return hook.ClickScore{Score: max(s.score, 0), Reasons: s.reasons}
}

type scorer struct {
	score   int64
	reasons []string
	config  *Config
}

func (s *scorer) penalise(points int64, reason string) {
	s.score -= points
	s.reasons = append(s.reasons, reason)
}

func (s *scorer) network(in hook.ClickInput) {
	switch {
	case slices.Contains(s.config.BlockedASNs, in.ASN):
		s.penalise(100, "blocked_asn")
	case in.Datacenter || slices.Contains(hostingASNs, in.ASN):
		s.penalise(s.config.DatacenterPenalty, "datacenter_asn")
	}
	if in.IP == "" {
		s.penalise(20, "missing_ip")
	}
}

func (s *scorer) agent(in hook.ClickInput) {
	ua := in.UserAgent
	switch {
	case ua == "":
		s.penalise(s.config.BotPenalty, "missing_user_agent")
	case in.Device == "bot" || hasMarker(ua) || containsAnyFold(ua, s.config.ExtraBotPatterns):
		s.penalise(s.config.BotPenalty, "bot_user_agent")
	case !hasPrefixFold(ua, "mozilla/"):
		s.penalise(25, "unusual_user_agent")
	}
}

// markerStarts lists the bot markers by their first byte, so one pass over
// a user agent finds any of them (a scan per marker costs 20x more, and in
// a Wasm guest every loop iteration counts).
var markerStarts = func() (t [256][]string) {
	for _, m := range botMarkers {
		t[m[0]] = append(t[m[0]], m)
	}
	return t
}()

// hasMarker reports whether ua contains a bot marker, ignoring ASCII case.
func hasMarker(ua string) bool {
	for i := 0; i < len(ua); i++ {
		for _, m := range markerStarts[lower(ua[i])] {
			if hasPrefixFold(ua[i:], m) {
				return true
			}
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with the lower-case prefix p,
// ignoring ASCII case in s.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lower(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func containsAnyFold(s string, lowerSubs []string) bool {
	if len(lowerSubs) == 0 {
		return false
	}
	ls := strings.ToLower(s)
	for _, sub := range lowerSubs {
		if sub != "" && strings.Contains(ls, sub) {
			return true
		}
	}
	return false
}

func (s *scorer) headers(in hook.ClickInput) {
	if in.AcceptLanguage == "" {
		s.penalise(15, "missing_accept_language")
	}
	if header(in.Headers, "accept") == "" {
		s.penalise(10, "missing_accept")
	}
	// Chromium has sent fetch metadata on navigations since 2020.
	if strings.Contains(in.UserAgent, "Chrome/") && header(in.Headers, "sec-fetch-mode") == "" {
		s.penalise(10, "missing_fetch_metadata")
	}
}

func (s *scorer) frequency(in hook.ClickInput) {
	switch {
	case in.IPClicks1m >= s.config.BurstPerMinute:
		s.penalise(40, "ip_burst")
	case in.IPClicks1m >= 3:
		s.penalise(10, "ip_repeat")
	}
	if in.IPClicks1h >= s.config.MaxPerHour {
		s.penalise(25, "ip_high_frequency_hour")
	}
	if in.IPClicks24h >= s.config.MaxPerDay {
		s.penalise(20, "ip_high_frequency_day")
	}
}

func header(hs []hook.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}
