// Package decimal is exact decimal arithmetic for plugins that compute
// money (commission models, payouts): amounts cross the ABI as decimal
// strings, and this package parses, adds, scales and formats them with the
// same 8 fractional digits the core keeps, never through floats.
package decimal

import (
	"errors"
	"math/big"
	"strings"
)

// Scale is the number of fractional digits kept.
const Scale = 8

// Decimal is an exact decimal with Scale fractional digits.
type Decimal struct{ v *big.Int } // units of 10^-Scale; nil = zero

var unit = big.NewInt(100_000_000)

// ErrSyntax is returned for a string that is not a plain decimal.
var ErrSyntax = errors.New("decimal: want a plain decimal such as 12.50")

// Zero is the zero Decimal.
var Zero = Decimal{}

func (d Decimal) int() *big.Int {
	if d.v == nil {
		return new(big.Int)
	}
	return d.v
}

// Parse parses "12", "-0.5", "10.12345678". Empty is zero.
func Parse(s string) (Decimal, error) {
	if s == "" {
		return Zero, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > Scale || !digits(whole) || !digits(frac) {
		return Zero, ErrSyntax
	}
	v, ok := new(big.Int).SetString(whole+frac+strings.Repeat("0", Scale-len(frac)), 10)
	if !ok {
		return Zero, ErrSyntax
	}
	if neg {
		v.Neg(v)
	}
	return Decimal{v: v}, nil
}

// MustParse is Parse for constants.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Add returns d+e.
func (d Decimal) Add(e Decimal) Decimal { return Decimal{v: new(big.Int).Add(d.int(), e.int())} }

// Sub returns d-e.
func (d Decimal) Sub(e Decimal) Decimal { return Decimal{v: new(big.Int).Sub(d.int(), e.int())} }

// Neg returns -d.
func (d Decimal) Neg() Decimal { return Decimal{v: new(big.Int).Neg(d.int())} }

// Sign returns -1, 0 or 1.
func (d Decimal) Sign() int { return d.int().Sign() }

// Cmp compares d and e.
func (d Decimal) Cmp(e Decimal) int { return d.int().Cmp(e.int()) }

// Mul returns d×e rounded half away from zero to Scale digits.
func (d Decimal) Mul(e Decimal) Decimal {
	p := new(big.Int).Mul(d.int(), e.int())
	return Decimal{v: divRound(p, unit)}
}

// Percent returns pct percent of d ("10" → d×0.10), rounded like Mul.
func (d Decimal) Percent(pct Decimal) Decimal {
	p := new(big.Int).Mul(d.int(), pct.int())
	return Decimal{v: divRound(p, new(big.Int).Mul(unit, big.NewInt(100)))}
}

// RoundTo rounds to places fractional digits (half away from zero), e.g.
// 2 for cents.
func (d Decimal) RoundTo(places int) Decimal {
	if places >= Scale {
		return d
	}
	f := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Scale-places)), nil)
	return Decimal{v: new(big.Int).Mul(divRound(d.int(), f), f)}
}

func divRound(n, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	return q
}

// String formats d without trailing zeros ("12.5", "-0.00000001", "3").
func (d Decimal) String() string {
	v := d.int()
	s := new(big.Int).Abs(v).String()
	if len(s) <= Scale {
		s = strings.Repeat("0", Scale-len(s)+1) + s
	}
	whole, frac := s[:len(s)-Scale], strings.TrimRight(s[len(s)-Scale:], "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if v.Sign() < 0 {
		out = "-" + out
	}
	return out
}
