package click_test

import (
	"net/url"
	"testing"

	"github.com/affcore/affcore/core/click"
)

func TestFill(t *testing.T) {
	c := &click.Click{ID: "clk_1", Subs: [5]string{"a b", `"><x`, "", "", "&evil=1#frag"}, PartnerID: "prt_1",
		OfferID: "off_1", Country: "DE", Device: "mobile"}
	cases := []struct{ tpl, want string }{
		{"https://shop.example/?cid={click_id}", "https://shop.example/?cid=clk_1"},
		{"https://shop.example/p?s1={sub1}&s2={sub2}&s5={sub5}", "https://shop.example/p?s1=a+b&s2=%22%3E%3Cx&s5=%26evil%3D1%23frag"},
		{"https://shop.example/{country}/{device}?p={partner_id}&o={offer_id}", "https://shop.example/DE/mobile?p=prt_1&o=off_1"},
		{"https://shop.example/?x={unknown}&y={sub3}", "https://shop.example/?x={unknown}&y="},
		{"https://shop.example/?broken={sub1", "https://shop.example/?broken={sub1"},
		{"https://shop.example/", "https://shop.example/"},
	}
	for _, tc := range cases {
		got := click.Fill(tc.tpl, c)
		if got != tc.want {
			t.Errorf("Fill(%q) = %q; want %q", tc.tpl, got, tc.want)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "shop.example" || u.Fragment != "" {
			t.Errorf("Fill(%q) changed the URL's structure: %q", tc.tpl, got)
		}
	}
}

func TestSigner(t *testing.T) {
	s := click.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok := s.Sign("cmp_1", "prt_1")
	if c, p, ok := s.Verify(tok); !ok || c != "cmp_1" || p != "prt_1" {
		t.Fatalf("Verify(own token) = %q %q %v", c, p, ok)
	}
	other := click.NewSigner([]byte("another key, another install....."))
	forged := []string{"", "x", tok + "x", tok[:len(tok)-2], other.Sign("cmp_1", "prt_1"), "Y21wXzEucHJ0XzI." + tok[len(tok)-22:]}
	for _, f := range forged {
		if _, _, ok := s.Verify(f); ok {
			t.Errorf("Verify(%q) accepted a forged token", f)
		}
	}
}
