package main

import (
	"context"
	"slices"
	"testing"

	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/pdk/go/pdktest"
)

const config = `{"allowed_countries": ["DE", "AT"], "spam_referrers": ["spam.example"], "blocked_source_ids": ["src_bad"], "max_clicks_per_hour": 10}`

var cases = []struct {
	name    string
	in      hook.ClickInput
	score   int64
	reasons []string
}{
	{"clean", hook.ClickInput{BuiltinScore: 95, Country: "DE", Referer: "https://news.example/a"}, 95, nil},
	{"keeps earlier reasons", hook.ClickInput{BuiltinScore: 60, BuiltinReasons: []string{"datacenter_asn"}, Country: "AT"}, 60, []string{"datacenter_asn"}},
	{"untargeted country", hook.ClickInput{BuiltinScore: 90, Country: "US"}, 30, []string{"country_not_targeted"}},
	{"spam subdomain", hook.ClickInput{BuiltinScore: 90, Country: "DE", Referer: "http://Ads.Spam.Example:8080/x"}, 10, []string{"spam_referrer"}},
	{"blocked source and burst", hook.ClickInput{BuiltinScore: 100, Country: "DE", SourceID: "src_bad", IPClicks1h: 12}, 0, []string{"blocked_source", "ip_over_hourly_cap"}},
}

func TestRule_Native(t *testing.T) {
	h := pdktest.New(t)
	h.ConfigJSON = config
	if err := pdktest.Init(h, setup); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got, err := pdktest.Call(h, Score, c.in)
		if err != nil || got.Score != c.score || !slices.Equal(got.Reasons, c.reasons) {
			t.Errorf("%s: got %+v %v", c.name, got, err)
		}
	}
}

func TestRule_Wasm(t *testing.T) {
	p, _ := wasmtest.Load(t, "examples/fraudrule", wasmtest.Options{PluginID: "example.fraud-rule", Hooks: []string{abi.HookClickScore}, Config: config, Limits: wasmtest.Patient})
	for _, c := range cases {
		got, err := wasmtest.Call[hook.ClickScore](context.Background(), p, abi.HookClickScore, c.in)
		if err != nil || got.Score != c.score || !slices.Equal(got.Reasons, c.reasons) {
			t.Errorf("%s: got %+v %v", c.name, got, err)
		}
	}
}
