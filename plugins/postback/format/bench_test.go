package format_test

import (
	"testing"

	"github.com/affcore/affcore/plugins/postback/format"
)

// BenchmarkFormat is the per-attempt cost of the default format plugin in
// process: macro URL with escaping, JSON body and HMAC-SHA256 signature.
func BenchmarkFormat(b *testing.B) {
	cases := map[string]format.Input{
		"url-get":     {Settings: format.Settings{URL: "https://t.example/pb?cid={click_id}&sum={payout}&cur={currency}&s1={sub1}&s2={sub2}"}},
		"json-signed": {Settings: format.Settings{URL: "https://t.example/hook", Format: "json"}, Secret: []byte("pbsec_bench")},
	}
	for name, in := range cases {
		b.Run(name, func(b *testing.B) {
			in.Values, in.IdempotencyID, in.Timestamp = values(), "pbd_01", 1700000000
			b.ReportAllocs()
			for b.Loop() {
				if _, err := format.Format(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
