package model

import (
	"fmt"
	"slices"
)

// tiered pays by volume within the period: each tier starts at a volume
// ("from": approved conversions, or their revenue, so far this period) and
// pays a fixed amount or a percentage of revenue.
type tiered struct {
	Basis    string   `json:"basis"`
	Currency string   `json:"currency"`
	Tiers    []tier   `json:"tiers"`
	Events   []string `json:"events"`
	Bonuses  []bonus  `json:"bonuses"`
}

type tier struct {
	From    string `json:"from"`
	Amount  string `json:"amount"`
	Percent string `json:"percent"`
}

func (m *tiered) validate() error {
	if m.Basis != "count" && m.Basis != "revenue" {
		return fieldErr("params.basis", "must be count or revenue")
	}
	if len(m.Tiers) == 0 || len(m.Tiers) > 100 {
		return fieldErr("params.tiers", "must list 1 to 100 tiers")
	}
	var prev dec = -1
	for i, t := range m.Tiers {
		field := fmt.Sprintf("params.tiers[%d].", i)
		from, err := parseDec(t.From)
		if err != nil || from < 0 || from <= prev {
			return fieldErr(field+"from", "must be a non-negative decimal, increasing from tier to tier")
		}
		if i == 0 && from != 0 {
			return fieldErr(field+"from", "the first tier must start at 0")
		}
		prev = from
		if (t.Amount == "") == (t.Percent == "") {
			return fieldErr(field+"amount", "give an amount or a percent")
		}
		if t.Amount != "" {
			if d, err := parseDec(t.Amount); err != nil || d < 0 {
				return fieldErr(field+"amount", "must be a non-negative decimal")
			}
			if !validCurrency(m.Currency) {
				return fieldErr("params.currency", "is required for fixed-amount tiers")
			}
		} else if d, err := parseDec(t.Percent); err != nil || d < 0 || d > 100*100_000_000 {
			return fieldErr(field+"percent", "must be a decimal from 0 to 100")
		}
	}
	return validateBonuses(m.Bonuses)
}

func (m *tiered) conversion(c Conversion, h History) (Output, error) {
	if len(m.Events) > 0 && !slices.Contains(m.Events, c.Event) {
		return Output{}, nil
	}
	volume := dec(h.ApprovedCount) * 100_000_000
	if m.Basis == "revenue" {
		v, err := parseDec(orZero(h.ApprovedRevenue))
		if err != nil {
			return Output{}, err
		}
		volume = v
	}
	t, err := m.tierFor(volume)
	if err != nil {
		return Output{}, err
	}
	memo := "tier from " + t.From
	if t.Amount != "" {
		d, err := parseDec(t.Amount)
		if err != nil {
			return Output{}, err
		}
		return one(KindCommission, roundTo(d, placesOf(m.Currency)), m.Currency, memo), nil
	}
	amt, err := (&revShare{Percent: t.Percent}).share(c.Revenue, c.Currency)
	if err != nil {
		return Output{}, err
	}
	return one(KindCommission, amt, c.Currency, memo), nil
}

// tierFor returns the tier with the highest start not above volume.
func (m *tiered) tierFor(volume dec) (tier, error) {
	best := -1
	for i, t := range m.Tiers {
		from, err := parseDec(t.From)
		if err != nil {
			return tier{}, err
		}
		if from <= volume {
			best = i
		}
	}
	if best < 0 {
		return tier{}, fmt.Errorf("no tier for volume %s", volume)
	}
	return m.Tiers[best], nil
}

func (m *tiered) bonusList() []bonus { return m.Bonuses }
func (m *tiered) readsHistory() bool { return true } // the tier follows the period's volume
