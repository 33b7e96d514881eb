package model

import (
	"slices"
)

// fixed is CPA (a fixed amount per conversion) and CPL (the same, on lead
// events by default).
type fixed struct {
	Amount   string   `json:"amount"`
	Currency string   `json:"currency"`
	Events   []string `json:"events"`
	Bonuses  []bonus  `json:"bonuses"`
	lead     bool
}

func (m *fixed) events() []string {
	if len(m.Events) == 0 && m.lead {
		return []string{"lead"}
	}
	return m.Events
}

func (m *fixed) validate() error {
	return m.validateAt("params.")
}

func (m *fixed) validateAt(prefix string) error {
	if d, err := parseDec(m.Amount); err != nil || d < 0 {
		return fieldErr(prefix+"amount", "must be a non-negative decimal with at most 8 places")
	}
	if !validCurrency(m.Currency) {
		return fieldErr(prefix+"currency", "must be an upper-case currency code")
	}
	return validateBonuses(m.Bonuses)
}

func (m *fixed) conversion(c Conversion, _ History) (Output, error) {
	if ev := m.events(); len(ev) > 0 && !slices.Contains(ev, c.Event) {
		return Output{}, nil
	}
	d, err := parseDec(m.Amount)
	if err != nil {
		return Output{}, err
	}
	return one(KindCommission, roundTo(d, placesOf(m.Currency)), m.Currency, ""), nil
}

func (m *fixed) bonusList() []bonus { return m.Bonuses }
func (m *fixed) readsHistory() bool { return false }

// revShare shares a percentage of the conversion's revenue.
type revShare struct {
	Percent           string   `json:"percent"`
	Basis             string   `json:"basis"`
	DeductionsPercent string   `json:"deductions_percent"`
	Events            []string `json:"events"`
	Bonuses           []bonus  `json:"bonuses"`
}

func (m *revShare) validate() error { return m.validateAt("params.") }

func (m *revShare) validateAt(prefix string) error {
	if d, err := parseDec(m.Percent); err != nil || d < 0 || d > 100*100_000_000 {
		return fieldErr(prefix+"percent", "must be a decimal from 0 to 100")
	}
	if m.Basis != "" && m.Basis != "revenue" && m.Basis != "net_revenue" {
		return fieldErr(prefix+"basis", "must be revenue or net_revenue")
	}
	if m.DeductionsPercent != "" {
		if d, err := parseDec(m.DeductionsPercent); err != nil || d < 0 || d > 100*100_000_000 {
			return fieldErr(prefix+"deductions_percent", "must be a decimal from 0 to 100")
		}
	}
	return validateBonuses(m.Bonuses)
}

func (m *revShare) conversion(c Conversion, _ History) (Output, error) {
	if len(m.Events) > 0 && !slices.Contains(m.Events, c.Event) {
		return Output{}, nil
	}
	amt, err := m.share(c.Revenue, c.Currency)
	if err != nil || amt == 0 {
		return Output{}, err
	}
	return one(KindCommission, amt, c.Currency, ""), nil
}

// share returns the partner's share of revenue in currency cur.
func (m *revShare) share(revenue, cur string) (dec, error) {
	rev, err := parseDec(revenue)
	if err != nil {
		return 0, err
	}
	if m.Basis != "net_revenue" && rev < 0 {
		return 0, nil
	}
	if m.Basis == "net_revenue" && m.DeductionsPercent != "" {
		ded, err := parseDec(m.DeductionsPercent)
		if err != nil {
			return 0, err
		}
		if rev, err = percentOf(rev, dec(100*100_000_000)-ded, scale); err != nil {
			return 0, err
		}
	}
	pct, err := parseDec(m.Percent)
	if err != nil {
		return 0, err
	}
	return percentOf(rev, pct, placesOf(cur))
}

func (m *revShare) bonusList() []bonus { return m.Bonuses }
func (m *revShare) readsHistory() bool { return false }

// hybrid pays a fixed CPA part and a revenue share on the same conversion.
type hybrid struct {
	CPA      fixed    `json:"cpa"`
	RevShare revShare `json:"revshare"`
	Bonuses  []bonus  `json:"bonuses"`
}

func (m *hybrid) validate() error {
	if err := m.CPA.validateAt("params.cpa."); err != nil {
		return err
	}
	if err := m.RevShare.validateAt("params.revshare."); err != nil {
		return err
	}
	return validateBonuses(m.Bonuses)
}

func (m *hybrid) conversion(c Conversion, h History) (Output, error) {
	a, err := m.CPA.conversion(c, h)
	if err != nil {
		return Output{}, err
	}
	b, err := m.RevShare.conversion(c, h)
	if err != nil {
		return Output{}, err
	}
	return Output{Amounts: append(a.Amounts, b.Amounts...)}, nil
}

func (m *hybrid) bonusList() []bonus { return m.Bonuses }
func (m *hybrid) readsHistory() bool { return false } // its CPA and revshare parts do not

// one returns an output of a single amount (none when it is zero).
func one(kind string, amt dec, cur, memo string) Output {
	if amt == 0 {
		return Output{}
	}
	return Output{Amounts: []Amount{{Kind: kind, Amount: amt.String(), Currency: cur, Memo: memo}}}
}
