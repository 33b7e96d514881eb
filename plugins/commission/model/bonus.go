package model

import (
	"fmt"
)

// bonus is paid at period close when the partner reached its thresholds in
// the period: {"min_count": 100, "min_revenue": "5000", "amount": "250",
// "currency": "USD", "memo": "100 sales"}. At least one threshold is
// required; every bonus whose thresholds are met is paid, in its currency
// (min_revenue counts revenue in that currency). One-off bonuses that do
// not depend on volume are booked by finance as ledger adjustments.
type bonus struct {
	MinCount   int64  `json:"min_count"`
	MinRevenue string `json:"min_revenue"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	Memo       string `json:"memo"`
}

func validateBonuses(bs []bonus) error {
	if len(bs) > 20 {
		return fieldErr("params.bonuses", "at most 20 bonuses")
	}
	for i, b := range bs {
		field := fmt.Sprintf("params.bonuses[%d].", i)
		if b.MinCount < 0 || (b.MinCount == 0 && b.MinRevenue == "") {
			return fieldErr(field+"min_count", "a bonus needs min_count or min_revenue")
		}
		if b.MinRevenue != "" {
			if d, err := parseDec(b.MinRevenue); err != nil || d < 0 {
				return fieldErr(field+"min_revenue", "must be a non-negative decimal")
			}
		}
		if d, err := parseDec(b.Amount); err != nil || d <= 0 {
			return fieldErr(field+"amount", "must be a positive decimal")
		}
		if !validCurrency(b.Currency) {
			return fieldErr(field+"currency", "must be an upper-case currency code")
		}
	}
	return nil
}

// reached reports whether h meets b's thresholds.
func (b bonus) reached(h History) (bool, error) {
	if b.MinCount > 0 && h.ApprovedCount < b.MinCount {
		return false, nil
	}
	if b.MinRevenue == "" {
		return true, nil
	}
	min, err := parseDec(b.MinRevenue)
	if err != nil {
		return false, err
	}
	rev, err := parseDec(orZero(h.ApprovedRevenue))
	return err == nil && rev >= min, err
}

// periodClose decides the close of one partner's period in h.Currency:
// first the negative-carryover rule (the balance carried into the next
// period: the current one when the partner's policy carries it, else 0,
// which resets it), then each bonus in that currency whose thresholds the
// period reached. Terms may be empty (no partner-level terms).
func periodClose(t Terms, h History) (Output, error) {
	carried, err := parseDec(orZero(h.Carryover))
	if err != nil {
		return Output{}, fmt.Errorf("history carryover: %w", err)
	}
	if !h.NegativeCarryover || carried > 0 {
		carried = 0
	}
	out := Output{Amounts: []Amount{{Kind: KindCarryover, Amount: carried.String(), Currency: h.Currency}}}
	if t.Model == "" {
		return out, nil
	}
	m, err := parse(t.Model, t.Params)
	if err != nil {
		return Output{}, err
	}
	for _, b := range m.bonusList() {
		ok, err := b.reached(h)
		if err != nil {
			return Output{}, err
		}
		if !ok || b.Currency != h.Currency {
			continue
		}
		amt, err := parseDec(b.Amount)
		if err != nil {
			return Output{}, err
		}
		memo := b.Memo
		if memo == "" {
			memo = "period bonus"
		}
		out.Amounts = append(out.Amounts, Amount{Kind: KindBonus, Amount: roundTo(amt, placesOf(b.Currency)).String(), Currency: b.Currency, Memo: memo})
	}
	return out, nil
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
