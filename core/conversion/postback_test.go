package conversion_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/conversion"
)

func TestParsePostback(t *testing.T) {
	cases := []struct {
		query      string
		wantFields []string
		check      func(p conversion.Postback) bool
	}{
		{"click_id=clk_1&payout=10.5&currency=eur&status=Pending&tx_id=T1&event=sale", nil, func(p conversion.Postback) bool {
			return p.Revenue.String() == "10.50" && p.Currency == "EUR" && p.Status == "pending" && p.DedupeKey() == "tx:T1" && p.Event == "sale"
		}},
		{"click_id=clk_1&revenue=3", nil, func(p conversion.Postback) bool {
			return p.Revenue.String() == "3.00" && p.Currency == "USD" && p.Status == "approved" && p.DedupeKey() == "ev:clk_1:conversion"
		}},
		{"click_id=clk_1&test=1", nil, func(p conversion.Postback) bool { return p.Test && p.Revenue.IsZero() }},
		{"payout=abc&status=paid&currency=$$", []string{"click_id", "status", "payout", "currency"}, nil},
		{"click_id=clk_1&payout=-1", []string{"payout"}, nil},
		{"click_id=clk_1&payout=1.123456789", []string{"payout"}, nil},
		{"click_id=a%00b&tx_id=" + strings.Repeat("x", 300), []string{"click_id", "tx_id"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			v, _ := url.ParseQuery(tc.query)
			p, err := conversion.ParsePostback(v)
			var got []string
			for _, f := range core.FieldsOf(err) {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.wantFields, ",") {
				t.Fatalf("fields %v; want %v (err %v)", got, tc.wantFields, err)
			}
			if tc.check != nil && !tc.check(p) {
				t.Fatalf("postback = %+v", p)
			}
			if err != nil && core.KindOf(err) != core.KindInvalid {
				t.Fatalf("kind %s", core.KindOf(err))
			}
		})
	}
}

// FuzzParsePostback: any query is either a valid postback (whose values
// respect the limits) or a KindInvalid error naming fields; never a panic.
func FuzzParsePostback(f *testing.F) {
	for _, seed := range []string{"click_id=clk_1&payout=1", "click_id=&payout=1e9", "status=APPROVED&click_id=x&currency=usdt",
		"click_id=x&revenue=99999999999.99999999", "click_id=%ff%fe", "payout=0.000000001&click_id=c", "click_id=c&tx_id=%0a"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		p, err := conversion.ParsePostback(v)
		if err != nil {
			if core.KindOf(err) != core.KindInvalid || len(core.FieldsOf(err)) == 0 {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		if p.ClickID == "" || len(p.ClickID) > 64 || len(p.TxID) > 255 || p.Revenue.Sign() < 0 || p.Currency == "" {
			t.Fatalf("accepted %+v", p)
		}
		switch p.Status {
		case "pending", "approved", "rejected", "hold":
		default:
			t.Fatalf("status %q", p.Status)
		}
	})
}
