package hook

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/affcore/affcore/pdk/go/wire"
)

type message interface {
	Encoder
	Decoder
}

// every lists one value of every contract type; the test fills every field
// by reflection, so a field forgotten in a codec fails the round trip.
func every() []message {
	return []message{&ClickInput{}, &ClickScore{}, &CommissionInput{}, &CommissionResult{},
		&PostbackInput{}, &HTTPRequest{}, &HTTPResponse{}, &CAPIInput{}, &CAPIResult{},
		&PayoutInput{}, &PayoutStatusInput{}, &PayoutResult{}, &SpendInput{}, &SpendResult{}}
}

func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*seed%26)))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed * 1000))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte(`{"k":1}`))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), seed)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(reflect.ValueOf("fbc"), reflect.ValueOf("x"))
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.UnixMilli(1_700_000_000_123 + int64(*seed)).UTC()))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), seed)
		}
	}
}

func TestRoundTripEveryField(t *testing.T) {
	for _, m := range every() {
		name := reflect.TypeOf(m).Elem().Name()
		t.Run(name, func(t *testing.T) {
			seed := 0
			fill(reflect.ValueOf(m).Elem(), &seed)
			b := m.AppendMsg(nil)
			got := reflect.New(reflect.TypeOf(m).Elem()).Interface().(message)
			if err := got.UnmarshalMsg(b); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, m)
			}
			if _, err := JSON(b); err != nil {
				t.Fatalf("JSON view: %v", err)
			}
		})
	}
}

func TestDecodersSkipUnknownFieldsAndRejectGarbage(t *testing.T) {
	b := wire.AppendMapHeader(nil, 3)
	b = kint(b, fScore, 42)
	b = kstr(b, 120, "ignored: a field number from a newer schema")
	b = wire.AppendArrayHeader(wire.AppendInt(b, 121), 1)
	b = wire.AppendMapHeader(b, 0)
	var s ClickScore
	if err := s.UnmarshalMsg(b); err != nil || s.Score != 42 {
		t.Fatalf("got %+v, %v", s, err)
	}
	for _, m := range every() {
		if err := m.UnmarshalMsg([]byte{0x82, 0xa1}); err == nil {
			t.Errorf("%T accepted truncated input", m)
		}
	}
}

func TestJSONView(t *testing.T) {
	got, err := JSON(ClickScore{Score: 40, Reasons: []string{"bot_user_agent"}}.AppendMsg(nil))
	if err != nil || string(got) != `{"score":40,"reasons":["bot_user_agent"]}` {
		t.Fatalf("got %s %v", got, err)
	}
}

// TestFieldNumbersUnique guards the wire contract: one number per name.
func TestFieldNumbersUnique(t *testing.T) {
	seen := map[string]bool{}
	for n := int64(1); FieldName(n) != ""; n++ {
		if seen[FieldName(n)] {
			t.Fatalf("field %q has two numbers", FieldName(n))
		}
		seen[FieldName(n)] = true
	}
	if len(seen) < 90 {
		t.Fatalf("only %d field names", len(seen))
	}
}

func TestVersionDefaults(t *testing.T) {
	var in ClickInput
	if err := in.UnmarshalMsg(ClickInput{}.AppendMsg(nil)); err != nil || in.SchemaVersion != ClickScoreVersion {
		t.Fatalf("schema_version %d, %v", in.SchemaVersion, err)
	}
}

func FuzzCommissionInput(f *testing.F) {
	f.Add(CommissionInput{Trigger: TriggerConversion, Conversion: Conversion{ID: "c", Revenue: "1.5"}}.AppendMsg(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in CommissionInput
		_ = in.UnmarshalMsg(b)
	})
}

// sample is a realistic click used by the codec benchmarks.
func sample() ClickInput {
	return ClickInput{ClickID: "clk_01hx5k2d3y4z5a6b7c8d9e0f1g", CampaignID: "cmp_1", OfferID: "off_1", PartnerID: "prt_1",
		IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		Referer: "https://news.example.com/article", AcceptLanguage: "en-US,en;q=0.9",
		Headers: []Header{{"accept", "text/html"}, {"accept-encoding", "gzip, br"}, {"sec-fetch-mode", "navigate"}},
		Country: "US", ASN: 7922, ASNOrg: "Comcast", Device: "mobile", OS: "iOS", Browser: "Safari",
		IPClicks1m: 1, IPClicks1h: 3, IPClicks24h: 9, BuiltinScore: 90, At: time.Now()}
}

func BenchmarkClickCodec(b *testing.B) {
	in := sample()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = in.AppendMsg(buf[:0])
		var out ClickInput
		if err := out.UnmarshalMsg(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClickCodecJSON is the reflection-based alternative, for comparison.
func BenchmarkClickCodecJSON(b *testing.B) {
	in := sample()
	b.ReportAllocs()
	for b.Loop() {
		buf, _ := json.Marshal(in)
		var out ClickInput
		if err := json.Unmarshal(buf, &out); err != nil {
			b.Fatal(err)
		}
	}
}
