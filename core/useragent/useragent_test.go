package useragent_test

import (
	"strconv"
	"testing"

	"github.com/affcore/affcore/core/useragent"
)

const (
	chromeWin = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	iphone    = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	ipad      = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
	android   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
	googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)

func TestParser_Parse(t *testing.T) {
	cases := []struct{ ua, typ, os, browser string }{
		{chromeWin, "desktop", "Windows", "Chrome"},
		{iphone, "mobile", "iOS", "Safari"},
		{ipad, "tablet", "iOS", "Safari"},
		{android, "mobile", "Android", "Chrome"},
		{googlebot, "bot", "", "Googlebot"},
		{"", "other", "", ""},
	}
	for _, cache := range []int{0, 16} {
		p := useragent.New(cache)
		for range 2 { // second round is served from the cache
			for _, tc := range cases {
				d := p.Parse(tc.ua)
				if d.Type != tc.typ || d.OS != tc.os || d.Browser != tc.browser || d.Bot != (tc.typ == "bot") {
					t.Errorf("cache %d: Parse(%q) = %+v; want %s/%s/%s", cache, tc.ua, d, tc.typ, tc.os, tc.browser)
				}
			}
		}
	}
}

func TestParser_CacheStaysBounded(t *testing.T) {
	p := useragent.New(8)
	for i := range 100 {
		if d := p.Parse(chromeWin + " x" + strconv.Itoa(i)); d.Type != "desktop" {
			t.Fatalf("Parse = %+v", d)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name  string
		cache int
	}{{"uncached", 0}, {"cached", 1024}} {
		b.Run(bc.name, func(b *testing.B) {
			p := useragent.New(bc.cache)
			uas := []string{chromeWin, iphone, android, ipad}
			i := 0
			for b.Loop() {
				p.Parse(uas[i%len(uas)])
				i++
			}
		})
	}
}
