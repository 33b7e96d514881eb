package commission

import (
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

func TestPick_Precedence(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := t0.AddDate(0, 2, 0)
	terms := []Terms{
		{ID: "offer", OfferID: "o1", EffectiveFrom: t0},
		{ID: "offer-newer", OfferID: "o1", EffectiveFrom: t0.AddDate(0, 1, 0)},
		{ID: "campaign", CampaignID: "c1", EffectiveFrom: t0},
		{ID: "partner", PartnerID: "p1", EffectiveFrom: t0},
		{ID: "partner-offer", PartnerID: "p1", OfferID: "o1", EffectiveFrom: t0},
		{ID: "partner-campaign-ended", PartnerID: "p1", CampaignID: "c1", EffectiveFrom: t0, EffectiveTo: &end},
		{ID: "other-partner", PartnerID: "p2", CampaignID: "c1", EffectiveFrom: t0},
	}
	cases := []struct {
		partner, offer, campaign string
		at                       time.Time
		want                     string
	}{
		{"p1", "o1", "c1", t0.AddDate(0, 0, 5), "partner-campaign-ended"},
		{"p1", "o1", "c1", end, "partner-offer"}, // the partner+campaign terms ended
		{"p1", "o2", "c2", t0, "partner"},
		{"p3", "o1", "c1", t0, "campaign"},
		{"p3", "o1", "c9", t0.AddDate(0, 0, 5), "offer"},
		{"p3", "o1", "c9", t0.AddDate(0, 1, 5), "offer-newer"},
		{"p3", "o9", "c9", t0, ""},
		{"p1", "o1", "c1", t0.Add(-time.Second), ""}, // before any terms
	}
	for _, c := range cases {
		got, ok := Pick(terms, c.partner, c.offer, c.campaign, c.at)
		if got.ID != c.want || ok != (c.want != "") {
			t.Errorf("Pick(%s, %s, %s, %s) = %q; want %q", c.partner, c.offer, c.campaign, c.at, got.ID, c.want)
		}
	}
}

func TestTargetState(t *testing.T) {
	ev := func(status string, mod func(*event.Conversion)) event.Conversion {
		e := event.Conversion{PartnerID: "p1", Status: status}
		if mod != nil {
			mod(&e)
		}
		return e
	}
	test := func(e *event.Conversion) { e.Test = true }
	fraud := func(e *event.Conversion) { e.Fraud = true }
	noPartner := func(e *event.Conversion) { e.PartnerID = "" }
	cases := []struct {
		ev   event.Conversion
		cur  State
		want State
	}{
		{ev("pending", nil), StateNone, StatePending},
		{ev("hold", nil), StateNone, StatePending},
		{ev("approved", nil), StatePending, StateHold},
		{ev("approved", nil), StateAvailable, StateAvailable},
		{ev("approved", nil), StateReversed, StateHold},
		{ev("rejected", nil), StateAvailable, StateReversed},
		{ev("rejected", nil), StateNone, StateNone},
		{ev("approved", test), StateNone, StateNone},
		{ev("approved", fraud), StateNone, StateNone},
		{ev("approved", fraud), StateHold, StateReversed},
		{ev("approved", noPartner), StateNone, StateNone},
	}
	for _, c := range cases {
		if got := targetState(c.ev, c.cur); got != c.want {
			t.Errorf("targetState(%s test=%t fraud=%t partner=%q, %s) = %s; want %s", c.ev.Status, c.ev.Test, c.ev.Fraud, c.ev.PartnerID, c.cur, got, c.want)
		}
	}
}

// TestTransitionPosting_Balances: every move between states, with any
// amounts, sums to zero per currency and keeps partner accounts + cost at
// zero.
func TestTransitionPosting_Balances(t *testing.T) {
	states := []State{StateNone, StatePending, StateHold, StateAvailable, StateReversed}
	amounts := []string{"0", "10", "-3.5", "0.00000001"}
	usd := func(a string) []core.Money { return []core.Money{{Amount: core.MustParseDecimal(a), Currency: "USD"}} }
	for _, s0 := range states {
		for _, s1 := range states {
			for _, a0 := range amounts {
				for _, a1 := range amounts {
					old := Position{State: s0, Lines: usd(a0), Revenue: core.Money{Amount: core.MustParseDecimal("5"), Currency: "EUR"}, RevenueBooked: core.MustParseDecimal(a0)}
					next := Position{State: s1, Lines: usd(a1), Revenue: core.Money{Amount: core.MustParseDecimal("5"), Currency: "USD"}, RevenueBooked: core.MustParseDecimal(a1)}
					p, err := transitionPosting(event.Conversion{ConversionID: "c", Seq: 2, PartnerID: "p1"}, old, next)
					if err != nil {
						t.Fatal(err)
					}
					sums := map[core.Currency]core.Decimal{}
					for _, e := range p.Entries {
						if e.Amount.IsZero() {
							t.Fatalf("%s→%s: zero entry %+v", s0, s1, e)
						}
						sums[e.Currency], _ = sums[e.Currency].Add(e.Amount)
					}
					for cur, sum := range sums {
						if !sum.IsZero() {
							t.Fatalf("%s %s → %s %s: %s does not balance (%s): %+v", s0, a0, s1, a1, cur, sum, p.Entries)
						}
					}
				}
			}
		}
	}
}

func TestCloseAmounts(t *testing.T) {
	d := core.MustParseDecimal
	ok := Output{Amounts: []Amount{{Kind: AmountCarryover, Amount: d("-5"), Currency: "USD"}, {Kind: AmountBonus, Amount: d("50"), Currency: "USD"}}}
	pay, carry, err := closeAmounts(ok, "USD")
	if err != nil || len(pay) != 1 || carry == nil || *carry != d("-5") {
		t.Fatalf("closeAmounts = %v, %v, %v", pay, carry, err)
	}
	for name, out := range map[string]Output{
		"positive carryover":  {Amounts: []Amount{{Kind: AmountCarryover, Amount: d("5"), Currency: "USD"}}},
		"carryover elsewhere": {Amounts: []Amount{{Kind: AmountCarryover, Amount: d("0"), Currency: "EUR"}}},
		"two carryovers":      {Amounts: []Amount{{Kind: AmountCarryover, Currency: "USD"}, {Kind: AmountCarryover, Currency: "USD"}}},
		"absurd bonus":        {Amounts: []Amount{{Kind: AmountBonus, Amount: d("1000000001"), Currency: "USD"}}},
		"bad currency":        {Amounts: []Amount{{Kind: AmountBonus, Amount: d("1"), Currency: "usd"}}},
	} {
		if _, _, err := closeAmounts(out, "USD"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := conversionLines(Output{Amounts: []Amount{{Kind: AmountCarryover, Amount: d("1"), Currency: "USD"}}}); err == nil {
		t.Error("a carryover amount for a conversion was accepted")
	}
}
