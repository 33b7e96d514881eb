// Command weekendbonus is an example commission-model plugin (hook
// commission): the partner earns a percentage of the conversion's revenue
// (or a fixed amount) from its terms, plus a bonus on conversions that
// happen on a weekend in the advertiser's timezone. A conversion that leaves
// "approved" (a rejection after approval) reverses what it earned.
//
// It is the starting point of an agency's own commission model: the logic is
// plain Go over the hook contract, unit-tested natively with pdktest, and
// exports_wasip1.go is the one-line-per-hook shim for WebAssembly.
package main

import (
	"encoding/json"
	"fmt"
	"time"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/decimal"
	"github.com/affcore/affcore/pdk/go/hook"
)

// Config is the installation's configuration (see manifest.json).
type Config struct {
	BonusPercent string `json:"bonus_percent"` // extra percent of the commission on weekends, e.g. "20"
	Timezone     string `json:"timezone"`      // IANA name, e.g. "Europe/Berlin"; default UTC
}

// Terms are the partner's terms for this model (terms.params).
type Terms struct {
	Percent string `json:"percent"` // percent of revenue, e.g. "10"
	Amount  string `json:"amount"`  // or a fixed amount per approved conversion
}

type settings struct {
	bonus decimal.Decimal
	loc   *time.Location
}

var current = settings{bonus: decimal.MustParse("20"), loc: time.UTC}

// setup parses the configuration once per instance.
func setup(raw []byte) error {
	var c Config
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c); err != nil {
			return pdk.Fail("invalid_config", "%v", err)
		}
	}
	s := settings{bonus: decimal.MustParse("20"), loc: time.UTC}
	if c.BonusPercent != "" {
		b, err := decimal.Parse(c.BonusPercent)
		if err != nil {
			return pdk.Fail("invalid_config", "bonus_percent: %v", err)
		}
		s.bonus = b
	}
	if c.Timezone != "" {
		loc, err := loadLocation(c.Timezone)
		if err != nil {
			return pdk.Fail("invalid_config", "timezone: %v", err)
		}
		s.loc = loc
	}
	current = s
	return nil
}

// Commission is the commission hook.
func Commission(in hook.CommissionInput) (hook.CommissionResult, error) {
	c := in.Conversion
	if in.Trigger != hook.TriggerConversion || c.Test {
		return hook.CommissionResult{}, nil
	}
	sign := direction(c.PrevStatus, c.Status)
	if sign == 0 {
		return hook.CommissionResult{}, nil
	}
	base, err := baseCommission(in.Terms, c.Revenue)
	if err != nil {
		return hook.CommissionResult{}, err
	}
	out := hook.CommissionResult{Amounts: []hook.Amount{amount(hook.KindCommission, base, sign, c.Currency, "commission")}}
	if day := c.OccurredAt.In(current.loc).Weekday(); day == time.Saturday || day == time.Sunday {
		bonus := base.Percent(current.bonus).RoundTo(2)
		out.Amounts = append(out.Amounts, amount(hook.KindBonus, bonus, sign, c.Currency, "weekend bonus "+current.bonus.String()+"%"))
	}
	return out, nil
}

// direction is +1 when the conversion becomes approved, -1 when it stops
// being approved, 0 otherwise.
func direction(prev, status string) int {
	switch {
	case status == "approved" && prev != "approved":
		return 1
	case prev == "approved" && status != "approved":
		return -1
	}
	return 0
}

func baseCommission(terms hook.Terms, revenue string) (decimal.Decimal, error) {
	var t Terms
	if len(terms.Params) > 0 {
		if err := json.Unmarshal(terms.Params, &t); err != nil {
			return decimal.Zero, pdk.Fail("invalid_input", "terms.params: %v", err)
		}
	}
	if t.Amount != "" {
		return decimal.Parse(t.Amount)
	}
	pct, err := decimal.Parse(orDefault(t.Percent, "10"))
	if err != nil {
		return decimal.Zero, pdk.Fail("invalid_input", "terms.params.percent: %v", err)
	}
	rev, err := decimal.Parse(revenue)
	if err != nil {
		return decimal.Zero, pdk.Fail("invalid_input", "revenue %q: %v", revenue, err)
	}
	return rev.Percent(pct).RoundTo(2), nil
}

func amount(kind string, v decimal.Decimal, sign int, currency, memo string) hook.Amount {
	if sign < 0 {
		v, memo = v.Neg(), "reversal of "+memo
	}
	return hook.Amount{Kind: kind, Amount: v.String(), Currency: currency, Memo: memo}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// loadLocation resolves a timezone. WASI gives plugins no filesystem, so
// only fixed offsets ("+02:00") and UTC are available in Wasm; natively the
// system database works too.
func loadLocation(name string) (*time.Location, error) {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	var h, m int
	var sign byte
	if _, err := fmt.Sscanf(name, "%c%02d:%02d", &sign, &h, &m); err != nil || (sign != '+' && sign != '-') {
		return nil, fmt.Errorf("unknown timezone %q (use an offset such as +02:00)", name)
	}
	off := (h*60 + m) * 60
	if sign == '-' {
		off = -off
	}
	return time.FixedZone(name, off), nil
}

func main() {}
