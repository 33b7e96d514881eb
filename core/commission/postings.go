package commission

import (
	"fmt"
	"slices"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Ledger account kinds the commission flow books on (see core/ledger).
const (
	acctAvailable  = "available"
	acctCarryover  = "carryover"
	acctCost       = "cost"
	acctRevenue    = "revenue"
	acctReceivable = "receivable"
)

// Posting kinds the commission flow records.
const (
	kindTransition = "transition"
	kindRelease    = "release"
	kindBonus      = "bonus"
	kindCarryover  = "carryover"
)

// acct returns the partner account holding commission in state s.
func acct(s State) string { return string(s) }

// calc does checked decimal arithmetic, keeping the first overflow.
type calc struct{ err error }

func (c *calc) add(a, b core.Decimal) core.Decimal {
	r, err := a.Add(b)
	if err != nil && c.err == nil {
		c.err = core.Wrap(core.KindInvalid, err, "amount out of range")
	}
	return r
}

func (c *calc) sub(a, b core.Decimal) core.Decimal { return c.add(a, b.Neg()) }

// transitionPosting moves a conversion's commission from where it was (old)
// to where it goes (next), and its recognised revenue likewise. The key is
// the conversion id + seq: one posting per transition.
func transitionPosting(ev event.Conversion, old, next Position) (Posting, error) {
	p := Posting{Key: fmt.Sprintf("conv:%s:%d", ev.ConversionID, ev.Seq), Kind: kindTransition,
		PartnerID: ev.PartnerID, ConversionID: ev.ConversionID,
		Memo: fmt.Sprintf("%s %s → %s", ev.Event, orDash(ev.PrevStatus), ev.Status)}
	var c calc
	for _, cur := range currencies(old.Lines, next.Lines) {
		p.Entries = append(p.Entries, moveEntries(&c, ev.PartnerID, cur, old.State, amountIn(old.Lines, cur),
			next.State, amountIn(next.Lines, cur))...)
	}
	p.Entries = append(p.Entries, revenueEntries(&c, ev.PartnerID, old, next)...)
	return p, c.err
}

func orDash(s string) string {
	if s == "" {
		return "new"
	}
	return s
}

// moveEntries moves amount a0 in state s0 to amount a1 in state s1 in one
// currency. The difference is booked on the tenant's cost account: every
// partner account sums, with cost, to zero.
func moveEntries(c *calc, partner string, cur core.Currency, s0 State, a0 core.Decimal, s1 State, a1 core.Decimal) []Entry {
	if s0 == StateNone {
		a0 = core.Zero
	}
	if s1 == StateNone {
		a1 = core.Zero
	}
	var es []Entry
	put := func(account string, amt core.Decimal, spill bool) {
		if !amt.IsZero() {
			es = append(es, Entry{PartnerID: partner, Account: account, Currency: cur, Amount: amt, Spill: spill})
		}
	}
	if s0 == s1 {
		put(acct(s1), c.sub(a1, a0), s1 == StateAvailable)
	} else {
		if s0 != StateNone {
			put(acct(s0), a0.Neg(), s0 == StateAvailable)
		}
		if s1 != StateNone {
			put(acct(s1), a1, s1 == StateAvailable)
		}
	}
	put(acctCost, c.sub(a0, a1), false)
	return es
}

// revenueEntries recognise (or derecognise) the conversion's revenue: what
// an approved conversion is worth to the advertiser, booked on revenue
// against receivable.
func revenueEntries(c *calc, partner string, old, next Position) []Entry {
	type line struct {
		cur core.Currency
		amt core.Decimal
	}
	var ls []line
	if next.Revenue.Currency == old.Revenue.Currency {
		ls = append(ls, line{next.Revenue.Currency, c.sub(next.RevenueBooked, old.RevenueBooked)})
	} else {
		ls = append(ls, line{old.Revenue.Currency, old.RevenueBooked.Neg()}, line{next.Revenue.Currency, next.RevenueBooked})
	}
	var es []Entry
	for _, l := range ls {
		if !l.amt.IsZero() {
			es = append(es, Entry{PartnerID: partner, Account: acctRevenue, Currency: l.cur, Amount: l.amt},
				Entry{PartnerID: partner, Account: acctReceivable, Currency: l.cur, Amount: l.amt.Neg()})
		}
	}
	return es
}

// currencies returns the currencies of a and b, sorted.
func currencies(a, b []core.Money) []core.Currency {
	var out []core.Currency
	for _, m := range slices.Concat(a, b) {
		if !slices.Contains(out, m.Currency) {
			out = append(out, m.Currency)
		}
	}
	slices.Sort(out)
	return out
}

// touchesPartner reports whether p moves a partner's money.
func touchesPartner(p Posting) bool {
	return slices.ContainsFunc(p.Entries, func(e Entry) bool {
		return e.Account != acctCost && e.Account != acctRevenue && e.Account != acctReceivable
	})
}

// commissionEvent builds the CommissionDecided payload for a transition
// from old to next. For test conversions it reports the commission they
// would earn (display) with nothing moved.
func commissionEvent(ev event.Conversion, old, next Position, moved bool, display []core.Money) event.Commission {
	after := liveLines(next)
	if display != nil {
		after = display
	}
	cur := primaryCurrency(after, ev.Currency)
	before := amountIn(liveLines(old), cur)
	now := amountIn(after, cur)
	delta, _ := now.Sub(before) // both bounded by MaxAmount × 50
	if !moved {
		delta = core.Zero
	}
	out := event.Commission{Conversion: ev, Commission: now, Currency: cur, Delta: delta, Moved: moved}
	if len(after) > 1 {
		out.Amounts = slices.Clone(after)
	}
	return out
}

// liveLines returns the commission p currently earns (none once reversed).
func liveLines(p Position) []core.Money {
	if !p.State.live() {
		return nil
	}
	return p.Lines
}

// primaryCurrency is the currency the event reports: the conversion's own
// when the commission is in it, else the first of the commission's.
func primaryCurrency(lines []core.Money, conv core.Currency) core.Currency {
	if len(lines) == 0 || slices.ContainsFunc(lines, func(m core.Money) bool { return m.Currency == conv }) {
		return conv
	}
	return lines[0].Currency
}
