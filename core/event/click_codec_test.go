package event_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/affcore/affcore/core/event"
)

func sampleClick() event.Click {
	return event.Click{ID: "clk_01", TenantID: "ten_1", At: time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC),
		CampaignID: "cmp_1", OfferID: "off_1", PartnerID: "prt_1", SourceID: "src_1", LandingID: "lnd_1", IP: "2001:db8::1",
		UserAgent: "Mozilla/5.0 (iPhone) ✓", Device: "mobile", OS: "iOS", Browser: "Safari", Country: "DE", Region: "BE",
		City: "Berlin", ASN: 3320, Referrer: "https://news.example/?a=1", Subs: [5]string{"fb", "", "x y", "", "ünï"},
		GCLID: "g", FBCLID: "f", TTCLID: "t", Params: map[string]string{"utm_source": "push", "k": ""},
		Route: "offer", Score: 17, Reasons: []string{"bot user agent", "datacenter"}, Fraud: true}
}

func TestClickCodec_RoundTrip(t *testing.T) {
	for _, c := range []event.Click{sampleClick(), {ID: "clk_2", TenantID: "ten_2", At: time.Unix(0, 0).UTC()}} {
		b, err := c.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := event.DecodeClick(b)
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip:\n got %+v, %v\nwant %+v", got, err, c)
		}
	}
}

// TestClickCodec_DecodesJSON: clicks stored by earlier releases (JSON) still decode.
func TestClickCodec_DecodesJSON(t *testing.T) {
	c := sampleClick()
	b, _ := json.Marshal(c)
	got, err := event.DecodeClick(b)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("json: %+v, %v", got, err)
	}
}

func TestClickCodec_Corrupt(t *testing.T) {
	c := sampleClick()
	b, _ := c.AppendBinary(nil)
	for _, bad := range [][]byte{nil, {0xC1}, {0xC1, 0x09}, b[:len(b)-1], append(append([]byte{}, b...), 0)} {
		if _, err := event.DecodeClick(bad); err == nil {
			t.Errorf("decoded a corrupt payload of %d bytes", len(bad))
		}
	}
}

// FuzzDecodeClick: no input panics or allocates without bound, and whatever
// decodes re-encodes to a payload that decodes to the same click.
func FuzzDecodeClick(f *testing.F) {
	c := sampleClick()
	b, _ := c.AppendBinary(nil)
	f.Add(b)
	f.Add([]byte{0xC1, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := event.DecodeClick(data)
		if err != nil || (len(data) > 0 && data[0] == '{') {
			return
		}
		again, _ := c.AppendBinary(nil)
		c2, err := event.DecodeClick(again)
		if err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("re-encode differs: %v", err)
		}
	})
}

func BenchmarkClickCodec(b *testing.B) {
	c := sampleClick()
	b.Run("binary", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for range b.N {
			buf, _ = c.AppendBinary(buf[:0])
			if _, err := event.DecodeClick(buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			buf, _ := json.Marshal(c)
			var out event.Click
			if err := json.Unmarshal(buf, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
