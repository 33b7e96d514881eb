package ledger

import (
	"github.com/affcore/affcore/core"
)

// Expand applies the available-balance rule to the Spill entries of t, given
// the current balances of the accounts t touches (under lock). A debit on
// Available beyond its balance moves the shortfall to Carryover (a debt the
// partner carries into later periods); a credit on Available first repays a
// negative Carryover. The result still balances: spilling only moves an
// amount between two of the same partner's accounts. Entries are returned
// credits first, so a running balance never dips below zero mid-insert.
func Expand(t Txn, balances map[Account]core.Decimal) ([]Entry, error) {
	running := make(map[Account]core.Decimal, len(balances))
	for a, b := range balances {
		running[a] = b
	}
	var out []Entry
	for _, e := range t.Entries {
		parts, err := spill(e, running)
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			if p.Amount.IsZero() {
				continue
			}
			next, err := running[p.Account].Add(p.Amount)
			if err != nil {
				return nil, core.Wrap(core.KindInvalid, err, "balance out of range")
			}
			running[p.Account] = next
			out = append(out, Entry{Account: p.Account, Amount: p.Amount})
		}
	}
	return merge(out), nil
}

// spill splits one entry by the rule; entries without Spill pass through.
func spill(e Entry, running map[Account]core.Decimal) ([]Entry, error) {
	if !e.Spill {
		return []Entry{e}, nil
	}
	co := Account{PartnerID: e.Account.PartnerID, Kind: Carryover, Currency: e.Account.Currency}
	if e.Amount.Sign() > 0 {
		debt := running[co].Neg() // ≥ 0
		repay := minDec(e.Amount, debt)
		rest, err := e.Amount.Sub(repay)
		return []Entry{{Account: co, Amount: repay}, {Account: e.Account, Amount: rest}}, err
	}
	avail := running[e.Account]
	if avail.Sign() < 0 {
		avail = core.Zero
	}
	take := minDec(e.Amount.Neg(), avail)
	short, err := e.Amount.Neg().Sub(take)
	return []Entry{{Account: e.Account, Amount: take.Neg()}, {Account: co, Amount: short.Neg()}}, err
}

// merge sums entries on the same account (a spill can touch an account the
// transaction also names), drops zeros and orders credits first.
func merge(in []Entry) []Entry {
	var out []Entry
	idx := map[Account]int{}
	for _, e := range in {
		if i, ok := idx[e.Account]; ok {
			out[i].Amount, _ = out[i].Amount.Add(e.Amount) // both fit; their sum fitted the running balance
			continue
		}
		idx[e.Account] = len(out)
		out = append(out, e)
	}
	kept := out[:0]
	for _, e := range out {
		if !e.Amount.IsZero() {
			kept = append(kept, e)
		}
	}
	sortCreditsFirst(kept)
	return kept
}

func sortCreditsFirst(es []Entry) {
	for i := 1; i < len(es); i++ { // insertion sort: stable and tiny inputs
		for j := i; j > 0 && es[j].Amount.Cmp(es[j-1].Amount) > 0; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

func minDec(a, b core.Decimal) core.Decimal {
	if a.Cmp(b) < 0 {
		return a
	}
	return b
}
