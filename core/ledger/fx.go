package ledger

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
)

// Rate is an FX rate entered for one day: 1 Base = Rate Quote. Rates are
// entered by finance for now (a plugin can feed them later); payouts record
// the rate they used, so a corrected rate never rewrites a payout.
type Rate struct {
	Day       time.Time     `json:"day"`
	Base      core.Currency `json:"base"`
	Quote     core.Currency `json:"quote"`
	Rate      string        `json:"rate"` // a positive decimal with up to 18 places
	CreatedBy string        `json:"created_by,omitempty"`
}

// RateFilter selects rates; empty fields match everything.
type RateFilter struct {
	Base, Quote core.Currency
	From, To    time.Time
}

// MaxRateAge bounds how old the newest rate may be for a conversion.
const MaxRateAge = 7 * 24 * time.Hour

// Day truncates t to its UTC date.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SetRate validates and records r (replacing the rate of that day and pair).
func (s *Service) SetRate(ctx context.Context, tenant core.TenantID, r Rate) (Rate, error) {
	var v core.Validator
	base, err := core.ParseCurrency(string(r.Base))
	v.Check(err == nil, "base", "must be a currency code")
	quote, err := core.ParseCurrency(string(r.Quote))
	v.Check(err == nil, "quote", "must be a currency code")
	v.Check(base == "" || base != quote, "quote", "must differ from base")
	rat, ok := parseRate(r.Rate)
	v.Check(ok, "rate", "must be a positive decimal with at most 18 places")
	v.Check(!r.Day.IsZero(), "day", "is required (YYYY-MM-DD)")
	if err := v.Err(); err != nil {
		return Rate{}, err
	}
	r.Base, r.Quote, r.Day = base, quote, Day(r.Day)
	r.Rate = rat.FloatString(18)
	r.Rate = strings.TrimRight(strings.TrimRight(r.Rate, "0"), ".")
	if err := s.store.SetRate(ctx, tenant, r); err != nil {
		return Rate{}, fmt.Errorf("set rate: %w", err)
	}
	return r, nil
}

// Rates lists recorded rates.
func (s *Service) Rates(ctx context.Context, tenant core.TenantID, f RateFilter) ([]Rate, error) {
	return s.store.Rates(ctx, tenant, f)
}

// Convert converts amount into currency to at the rate of day: the newest
// rate of the pair (or of the inverse pair) on or before day and not older
// than MaxRateAge. The result is rounded half away from zero to the minor
// units of to. Without a usable rate it fails: money is never guessed.
func (s *Service) Convert(ctx context.Context, tenant core.TenantID, amount core.Money, to core.Currency, day time.Time) (core.Money, Rate, error) {
	if amount.Currency == to {
		return amount, Rate{Day: Day(day), Base: to, Quote: to, Rate: "1"}, nil
	}
	rate, inverse, err := s.findRate(ctx, tenant, amount.Currency, to, day)
	if err != nil {
		return core.Money{}, Rate{}, err
	}
	r, _ := parseRate(rate.Rate)
	if inverse {
		r.Inv(r)
	}
	out, err := mulRat(amount.Amount, r, Places(to))
	if err != nil {
		return core.Money{}, Rate{}, core.Wrap(core.KindInvalid, err, "converted amount out of range")
	}
	return core.Money{Amount: out, Currency: to}, rate, nil
}

func (s *Service) findRate(ctx context.Context, tenant core.TenantID, from, to core.Currency, day time.Time) (Rate, bool, error) {
	r, err := s.store.Rate(ctx, tenant, from, to, Day(day))
	inverse := false
	if core.KindOf(err) == core.KindNotFound {
		r, err = s.store.Rate(ctx, tenant, to, from, Day(day))
		inverse = true
	}
	if core.KindOf(err) == core.KindNotFound || (err == nil && Day(day).Sub(r.Day) > MaxRateAge) {
		return Rate{}, false, core.Errorf(core.KindConflict, "no FX rate %s→%s for %s (enter one under /api/v1/fx-rates)", from, to, Day(day).Format(time.DateOnly))
	}
	return r, inverse, err
}

func parseRate(s string) (*big.Rat, bool) {
	if s == "" || len(s) > 60 || strings.ContainsAny(s, "eE/+-") {
		return nil, false
	}
	if _, frac, ok := strings.Cut(s, "."); ok && (len(frac) > 18 || frac == "") {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return nil, false
	}
	return r, true
}

// mulRat returns d*r rounded half away from zero to places digits.
func mulRat(d core.Decimal, r *big.Rat, places int) (core.Decimal, error) {
	v := new(big.Rat).Mul(new(big.Rat).SetFrac(big.NewInt(d.Units()), big.NewInt(1e8)), r)
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	v.Mul(v, new(big.Rat).SetInt(scale))
	q, m := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	if m.Abs(m).Lsh(m, 1).Cmp(v.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(v.Sign())))
	}
	units := q.Mul(q, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(core.Scale-places)), nil))
	if !units.IsInt64() {
		return core.Zero, core.ErrOverflow
	}
	return core.DecimalFromUnits(units.Int64()), nil
}
