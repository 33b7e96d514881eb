package click_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/affcore/affcore/core/click"
)

func TestParseQuery(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	cases := []struct {
		name string
		raw  string
		want func(p click.Params) bool
	}{
		{"subs-and-ids", "sub1=a&sub5=e%20f&gclid=G&fbclid=F&ttclid=T", func(p click.Params) bool {
			return p.Subs == [5]string{"a", "", "", "", "e f"} && p.GCLID == "G" && p.FBCLID == "F" && p.TTCLID == "T"
		}},
		{"first-wins", "sub1=a&sub1=b", func(p click.Params) bool { return p.Subs[0] == "a" }},
		{"others-kept", "utm_source=fb&x=1&campaign_id=c", func(p click.Params) bool {
			return len(p.Other) == 2 && p.Other["utm_source"] == "fb" && p.Other["x"] == "1"
		}},
		{"bad-escape-skipped-rest-kept", "sub1=%zz&sub2=ok&%=x", func(p click.Params) bool { return p.Subs[0] == "" && p.Subs[1] == "ok" }},
		{"cut-to-255-on-rune", "sub1=" + long, func(p click.Params) bool {
			return len(p.Subs[0]) <= click.MaxValueLen && utf8.ValidString(p.Subs[0]) && len(p.Subs[0]) >= 250
		}},
		{"control-chars-and-bad-utf8-removed", "sub1=a%00b%0Ac%FFd", func(p click.Params) bool { return p.Subs[0] == "abcd" }},
		{"injection-kept-raw", "sub1=%22%3E%3Cscript%3E&sub2=x%26y%3Dz", func(p click.Params) bool {
			return p.Subs[0] == `"><script>` && p.Subs[1] == "x&y=z"
		}},
		{"empty", "", func(p click.Params) bool { return p.Other == nil && p.Subs == [5]string{} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if p := click.ParseQuery(tc.raw); !tc.want(p) {
				t.Fatalf("ParseQuery(%q) = %+v", tc.raw, p)
			}
		})
	}
}

func TestParseQuery_Bounded(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		b.WriteString("k" + strings.Repeat("x", i%100) + "=v&")
	}
	p := click.ParseQuery(b.String())
	if len(p.Other) > click.MaxParams {
		t.Fatalf("kept %d other params; max %d", len(p.Other), click.MaxParams)
	}
	for k := range p.Other {
		if len(k) > click.MaxKeyLen {
			t.Fatalf("key of %d bytes kept", len(k))
		}
	}
}

// FuzzParseQuery: any input is accepted without panic, and everything kept
// is valid UTF-8 without control characters, within the limits.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{"", "sub1=a&sub2=b", "sub1=%zz", "a=%00%ff", "gclid=" + strings.Repeat("x", 300),
		"&&&==&=", "sub3=%E2%82%AC&x[]=1&x[]=2", ";sub1=a", "sub1=a+b%2Bc"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p := click.ParseQuery(raw)
		vals := append(p.Subs[:], p.GCLID, p.FBCLID, p.TTCLID)
		for k, v := range p.Other {
			vals = append(vals, v)
			if len(k) > click.MaxKeyLen || !clean(k) {
				t.Fatalf("bad key %q", k)
			}
		}
		if len(p.Other) > click.MaxParams {
			t.Fatalf("%d params", len(p.Other))
		}
		for _, v := range vals {
			if len(v) > click.MaxValueLen || !clean(v) {
				t.Fatalf("bad value %q", v)
			}
		}
	})
}

func clean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}
