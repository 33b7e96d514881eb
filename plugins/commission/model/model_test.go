package model

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func conv(event, revenue, cur string) *Conversion {
	return &Conversion{ID: "cnv_1", Event: event, Status: "approved", Revenue: revenue, Currency: cur}
}

func amounts(as ...string) []Amount {
	var out []Amount
	for i := 0; i+3 <= len(as); i += 3 {
		out = append(out, Amount{Kind: as[i], Amount: as[i+1], Currency: as[i+2]})
	}
	return out
}

func TestDecide_Conversion(t *testing.T) {
	cases := []struct {
		name   string
		model  string
		params string
		c      *Conversion
		h      History
		want   []Amount
	}{
		{"cpa", "cpa", `{"amount":"10","currency":"USD"}`, conv("sale", "99", "EUR"), History{},
			amounts("commission", "10.00", "USD")},
		{"cpa-event-filter-miss", "cpa", `{"amount":"10","currency":"USD","events":["sale"]}`, conv("lead", "0", "USD"), History{}, nil},
		{"cpa-crypto-8-places", "cpa", `{"amount":"0.00012345","currency":"BTC"}`, conv("sale", "0", "USD"), History{},
			amounts("commission", "0.00012345", "BTC")},
		{"cpa-rounds-to-cents", "cpa", `{"amount":"1.005","currency":"USD"}`, conv("sale", "0", "USD"), History{},
			amounts("commission", "1.01", "USD")},
		{"cpl-default-lead", "cpl", `{"amount":"2.5","currency":"USD"}`, conv("lead", "0", "USD"), History{},
			amounts("commission", "2.50", "USD")},
		{"cpl-not-a-lead", "cpl", `{"amount":"2.5","currency":"USD"}`, conv("sale", "0", "USD"), History{}, nil},
		{"revshare", "revshare", `{"percent":"25"}`, conv("sale", "10.33", "EUR"), History{},
			amounts("commission", "2.58", "EUR")}, // 2.5825 → 2.58
		{"revshare-half-up", "revshare", `{"percent":"50"}`, conv("sale", "0.05", "USD"), History{},
			amounts("commission", "0.03", "USD")}, // 0.025 → 0.03
		{"revshare-negative-revenue-floors", "revshare", `{"percent":"30","basis":"revenue"}`, conv("sale", "-100", "USD"), History{}, nil},
		{"revshare-net-negative", "revshare", `{"percent":"30","basis":"net_revenue"}`, conv("ngr", "-100", "USD"), History{},
			amounts("commission", "-30.00", "USD")},
		{"revshare-net-deductions", "revshare", `{"percent":"30","basis":"net_revenue","deductions_percent":"20"}`, conv("ngr", "1000", "USD"), History{},
			amounts("commission", "240.00", "USD")},
		{"hybrid", "hybrid", `{"cpa":{"amount":"5","currency":"USD"},"revshare":{"percent":"10"}}`, conv("sale", "200", "EUR"), History{},
			amounts("commission", "5.00", "USD", "commission", "20.00", "EUR")},
		{"tiered-count-first", "tiered", `{"basis":"count","currency":"USD","tiers":[{"from":"0","amount":"10"},{"from":"50","amount":"15"}]}`,
			conv("sale", "0", "USD"), History{ApprovedCount: 49}, amounts("commission", "10.00", "USD")},
		{"tiered-count-second", "tiered", `{"basis":"count","currency":"USD","tiers":[{"from":"0","amount":"10"},{"from":"50","amount":"15"}]}`,
			conv("sale", "0", "USD"), History{ApprovedCount: 50}, amounts("commission", "15.00", "USD")},
		{"tiered-revenue-percent", "tiered", `{"basis":"revenue","tiers":[{"from":"0","percent":"20"},{"from":"1000","percent":"30"}]}`,
			conv("sale", "100", "USD"), History{ApprovedRevenue: "1500"}, amounts("commission", "30.00", "USD")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := Validate(tc.model, json.RawMessage(tc.params)); err != nil {
				t.Fatalf("validate: %v", err)
			}
			out, err := Decide(Input{Trigger: TriggerConversion, Conversion: tc.c, History: tc.h,
				Terms: Terms{Model: tc.model, Params: json.RawMessage(tc.params)}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range out.Amounts {
				out.Amounts[i].Memo = ""
			}
			if !reflect.DeepEqual(out.Amounts, tc.want) {
				t.Fatalf("amounts = %+v, want %+v", out.Amounts, tc.want)
			}
		})
	}
}

func TestDecide_PeriodClose(t *testing.T) {
	bonusTerms := Terms{Model: "cpa", Params: json.RawMessage(`{"amount":"10","currency":"USD",
		"bonuses":[{"min_count":100,"amount":"500","currency":"USD"},{"min_revenue":"1000","amount":"50","currency":"EUR"}]}`)}
	cases := []struct {
		name  string
		terms Terms
		h     History
		want  []Amount
	}{
		{"reset-without-terms", Terms{}, History{Currency: "USD", Carryover: "-40.00"},
			amounts("carryover", "0.00", "USD")},
		{"carry-without-terms", Terms{}, History{Currency: "USD", Carryover: "-40.00", NegativeCarryover: true},
			amounts("carryover", "-40.00", "USD")},
		{"bonus-reached", bonusTerms, History{Currency: "USD", ApprovedCount: 100, Carryover: "0"},
			amounts("carryover", "0.00", "USD", "bonus", "500.00", "USD")},
		{"bonus-missed", bonusTerms, History{Currency: "USD", ApprovedCount: 99},
			amounts("carryover", "0.00", "USD")},
		{"bonus-other-currency-only-in-its-close", bonusTerms, History{Currency: "EUR", ApprovedRevenue: "1000"},
			amounts("carryover", "0.00", "EUR", "bonus", "50.00", "EUR")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Decide(Input{Trigger: TriggerPeriodClose, Terms: tc.terms, History: tc.h})
			if err != nil {
				t.Fatal(err)
			}
			for i := range out.Amounts {
				out.Amounts[i].Memo = ""
			}
			if !reflect.DeepEqual(out.Amounts, tc.want) {
				t.Fatalf("amounts = %+v, want %+v", out.Amounts, tc.want)
			}
		})
	}
}

func TestValidate_NamesTheField(t *testing.T) {
	cases := map[string]struct{ model, params, field string }{
		"unknown-model":      {"cpm", `{}`, "model"},
		"cpa-no-amount":      {"cpa", `{"currency":"USD"}`, "params.amount"},
		"cpa-bad-currency":   {"cpa", `{"amount":"1","currency":"usd"}`, "params.currency"},
		"cpa-negative":       {"cpa", `{"amount":"-1","currency":"USD"}`, "params.amount"},
		"cpa-typo":           {"cpa", `{"amout":"1","currency":"USD"}`, "params.amout"},
		"cpa-wrong-type":     {"cpa", `{"amount":1,"currency":"USD"}`, "params.amount"},
		"revshare-over-100":  {"revshare", `{"percent":"101"}`, "params.percent"},
		"revshare-basis":     {"revshare", `{"percent":"10","basis":"gross"}`, "params.basis"},
		"hybrid-nested":      {"hybrid", `{"cpa":{"amount":"x","currency":"USD"},"revshare":{"percent":"1"}}`, "params.cpa.amount"},
		"tiered-order":       {"tiered", `{"basis":"count","currency":"USD","tiers":[{"from":"0","amount":"1"},{"from":"0","amount":"2"}]}`, "params.tiers[1].from"},
		"tiered-first-not-0": {"tiered", `{"basis":"count","currency":"USD","tiers":[{"from":"5","amount":"1"}]}`, "params.tiers[0].from"},
		"bonus-no-threshold": {"cpa", `{"amount":"1","currency":"USD","bonuses":[{"amount":"5","currency":"USD"}]}`, "params.bonuses[0].min_count"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := Validate(tc.model, json.RawMessage(tc.params))
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("Validate = %v, want a field error on %s", err, tc.field)
			}
		})
	}
}

func TestDec(t *testing.T) {
	for in, want := range map[string]string{"1": "1.00", "-0.5": "-0.50", "0.00000001": "0.00000001", "12.340": "12.34"} {
		d, err := parseDec(in)
		if err != nil || d.String() != want {
			t.Errorf("parseDec(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "1e3", "1.", ".", "1.123456789", "--1", "99999999999999999999"} {
		if _, err := parseDec(bad); err == nil {
			t.Errorf("parseDec(%q) accepted", bad)
		}
	}
}

// FuzzDecide feeds arbitrary terms and revenue to the models: they must
// never panic, and any commission they return must parse as a decimal.
func FuzzDecide(f *testing.F) {
	f.Add("revshare", `{"percent":"33.33333333","basis":"net_revenue","deductions_percent":"12.5"}`, "-123.45678901", int64(3))
	f.Add("tiered", `{"basis":"revenue","tiers":[{"from":"0","percent":"5"}]}`, "1", int64(0))
	f.Add("cpa", `{"amount":"92233720368","currency":"USD"}`, "0", int64(1))
	f.Fuzz(func(t *testing.T, model, params, revenue string, count int64) {
		in := Input{Trigger: TriggerConversion, Conversion: conv("sale", revenue, "USD"),
			Terms: Terms{Model: model, Params: json.RawMessage(params)}, History: History{ApprovedCount: count % 1_000_000}}
		if Validate(model, json.RawMessage(params)) != nil {
			return
		}
		out, err := Decide(in)
		if err != nil {
			return
		}
		for _, a := range out.Amounts {
			if _, err := parseDec(a.Amount); err != nil {
				t.Fatalf("model %s returned %q", model, a.Amount)
			}
		}
	})
}

// BenchmarkDecide_Hybrid is one commission decision of the hybrid model
// (strict params parse, CPA and revenue share), in process.
func BenchmarkDecide_Hybrid(b *testing.B) {
	in := Input{Trigger: TriggerConversion, Conversion: conv("sale", "123.45", "USD"),
		Terms: Terms{Model: "hybrid", Params: json.RawMessage(`{"cpa":{"amount":"5","currency":"USD"},"revshare":{"percent":"25"}}`)}}
	for b.Loop() {
		if _, err := Decide(in); err != nil {
			b.Fatal(err)
		}
	}
}

// Only tiered terms read the period history at a conversion (bonuses read
// it at the period close); unknown or malformed terms say yes, so that
// Decide reports their error with the history at hand.
func TestReadsHistory(t *testing.T) {
	cases := []struct {
		name, params string
		want         bool
	}{
		{"cpa", `{"amount":"10","currency":"USD","bonuses":[{"amount":"50","currency":"USD","min_count":10}]}`, false},
		{"cpl", `{"amount":"2","currency":"USD"}`, false},
		{"revshare", `{"percent":"25"}`, false},
		{"hybrid", `{"cpa":{"amount":"1","currency":"USD"},"revshare":{"percent":"5"}}`, false},
		{"tiered", `{"basis":"count","currency":"USD","tiers":[{"from":"0","amount":"10"},{"from":"50","amount":"15"}]}`, true},
		{"nope", `{}`, true},
		{"revshare", `{"percent":`, true},
	}
	for _, c := range cases {
		if got := ReadsHistory(c.name, json.RawMessage(c.params)); got != c.want {
			t.Errorf("ReadsHistory(%s, %s) = %v; want %v", c.name, c.params, got, c.want)
		}
	}
}
