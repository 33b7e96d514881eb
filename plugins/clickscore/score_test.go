package main

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/pdk/go/pdktest"
	"github.com/affcore/affcore/plugins/clickscore/score"
)

func browser() hook.ClickInput {
	return hook.ClickInput{IP: "203.0.113.7", ASN: 7922, Country: "US", Device: "desktop",
		UserAgent:      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		AcceptLanguage: "en-US,en;q=0.9",
		Headers:        []hook.Header{{Name: "accept", Value: "text/html"}, {Name: "sec-fetch-mode", Value: "navigate"}},
		IPClicks1m:     0, IPClicks1h: 1}
}

var cases = []struct {
	name    string
	edit    func(*hook.ClickInput)
	score   int64
	reasons []string
}{
	{"clean browser", func(*hook.ClickInput) {}, 100, nil},
	{"datacenter", func(c *hook.ClickInput) { c.ASN = 16509 }, 60, []string{"datacenter_asn"}},
	{"curl", func(c *hook.ClickInput) { c.UserAgent = "curl/8.5.0"; c.Headers = nil; c.AcceptLanguage = "" }, 5,
		[]string{"bot_user_agent", "missing_accept_language", "missing_accept"}},
	{"headless chrome", func(c *hook.ClickInput) {
		c.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36"
	}, 30, []string{"bot_user_agent"}},
	{"burst", func(c *hook.ClickInput) { c.IPClicks1m = 12; c.IPClicks1h = 80 }, 35, []string{"ip_burst", "ip_high_frequency_hour"}},
	{"chrome without fetch metadata", func(c *hook.ClickInput) { c.Headers = c.Headers[:1] }, 90, []string{"missing_fetch_metadata"}},
	{"everything wrong", func(c *hook.ClickInput) {
		c.ASN, c.UserAgent, c.Headers, c.AcceptLanguage, c.IPClicks1m = 14061, "", nil, "", 30
	}, 0, []string{"datacenter_asn", "missing_user_agent", "missing_accept_language", "missing_accept", "ip_burst"}},
}

func TestScore_Native(t *testing.T) {
	h := pdktest.New(t)
	if err := pdktest.Init(h, setup); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		in := browser()
		c.edit(&in)
		got, err := pdktest.Call(h, Score, in)
		if err != nil || got.Score != c.score || !slices.Equal(got.Reasons, c.reasons) {
			t.Errorf("%s: got %+v %v, want %d %v", c.name, got, err, c.score, c.reasons)
		}
	}
}

func TestScore_Config(t *testing.T) {
	h := pdktest.New(t)
	h.ConfigJSON = `{"blocked_asns": [7922], "extra_bot_patterns": ["MyScanner"]}`
	if err := pdktest.Init(h, setup); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = setup(nil) })
	got, _ := pdktest.Call(h, Score, browser())
	if got.Score != 0 || got.Reasons[0] != "blocked_asn" {
		t.Fatalf("blocked asn: %+v", got)
	}
}

// TestManifestVersion keeps the in-process build and the bundle in step.
func TestManifestVersion(t *testing.T) {
	b, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(b, &m); err != nil || m.Version != score.Version {
		t.Fatalf("manifest version %q, score.Version %q (%v)", m.Version, score.Version, err)
	}
}

// TestScore_Wasm runs the built plugin under the production host: same
// verdicts as natively.
func TestScore_Wasm(t *testing.T) {
	p, _ := wasmtest.Load(t, "plugins/clickscore", wasmtest.Options{PluginID: "affcore.clickscore", Hooks: []string{abi.HookClickScore}, Limits: wasmtest.Patient})
	for _, c := range cases {
		in := browser()
		c.edit(&in)
		got, err := wasmtest.Call[hook.ClickScore](context.Background(), p, abi.HookClickScore, in)
		if err != nil || got.Score != c.score || !slices.Equal(got.Reasons, c.reasons) {
			t.Errorf("%s: got %+v %v, want %d %v", c.name, got, err, c.score, c.reasons)
		}
	}
}
