package core

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strings"
)

// Scale is the number of decimal places a Decimal keeps: eight, enough for
// crypto currencies. PostgreSQL stores amounts as NUMERIC(28,8).
const Scale = 8

const unit = 100_000_000 // 10^Scale

// Decimal is an exact decimal number with Scale fractional digits, stored as a
// count of 10^-8 units. Money never uses floats. The range is about ±92 billion.
type Decimal struct {
	units int64
}

// ErrOverflow is returned when a result does not fit a Decimal.
var ErrOverflow = errors.New("decimal overflow")

// Zero is the zero Decimal.
var Zero = Decimal{}

// DecimalFromUnits returns the Decimal of n units of 10^-8.
func DecimalFromUnits(n int64) Decimal { return Decimal{units: n} }

// DecimalFromInt returns the Decimal equal to the integer n.
func DecimalFromInt(n int64) Decimal { return Decimal{units: n * unit} }

// ParseDecimal parses a plain decimal string such as "10.5", "-0.00000001" or
// "12". Exponents, spaces, and more than eight fractional digits are errors.
func ParseDecimal(s string) (Decimal, error) {
	if s == "" || len(s) > 40 {
		return Decimal{}, fmt.Errorf("parse decimal %q: invalid", s)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if (intPart == "" && frac == "") || (hasDot && frac == "") || len(frac) > Scale || !digits(intPart) || !digits(frac) {
		return Decimal{}, fmt.Errorf("parse decimal %q: invalid", s)
	}
	var u uint64
	for _, c := range intPart + frac + strings.Repeat("0", Scale-len(frac)) {
		hi, lo := bits.Mul64(u, 10)
		lo, carry := bits.Add64(lo, uint64(c-'0'), 0)
		if hi != 0 || carry != 0 {
			return Decimal{}, fmt.Errorf("parse decimal %q: %w", s, ErrOverflow)
		}
		u = lo
	}
	if u > math.MaxInt64 {
		return Decimal{}, fmt.Errorf("parse decimal %q: %w", s, ErrOverflow)
	}
	if neg {
		return Decimal{units: -int64(u)}, nil
	}
	return Decimal{units: int64(u)}, nil
}

// MustParseDecimal is ParseDecimal for constants; it panics on bad input.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
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

// Units returns the value as a count of 10^-8 units.
func (d Decimal) Units() int64 { return d.units }

// IsZero reports whether d is zero.
func (d Decimal) IsZero() bool { return d.units == 0 }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// Cmp compares d and e and returns -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.units < e.units:
		return -1
	case d.units > e.units:
		return 1
	}
	return 0
}

// Neg returns -d.
func (d Decimal) Neg() Decimal { return Decimal{units: -d.units} }

// Add returns d+e or ErrOverflow.
func (d Decimal) Add(e Decimal) (Decimal, error) {
	s := d.units + e.units
	if (s > d.units) != (e.units > 0) {
		return Decimal{}, ErrOverflow
	}
	return Decimal{units: s}, nil
}

// Sub returns d-e or ErrOverflow.
func (d Decimal) Sub(e Decimal) (Decimal, error) {
	if e.units == math.MinInt64 {
		return Decimal{}, ErrOverflow
	}
	return d.Add(e.Neg())
}

// Mul returns d*e rounded half away from zero to Scale places, or ErrOverflow.
func (d Decimal) Mul(e Decimal) (Decimal, error) {
	p := new(big.Int).Mul(big.NewInt(d.units), big.NewInt(e.units))
	return fromScaledBig(p, big.NewInt(unit))
}

// MulInt returns d*n or ErrOverflow.
func (d Decimal) MulInt(n int64) (Decimal, error) {
	p := new(big.Int).Mul(big.NewInt(d.units), big.NewInt(n))
	if !p.IsInt64() {
		return Decimal{}, ErrOverflow
	}
	return Decimal{units: p.Int64()}, nil
}

// Div returns d/e rounded half away from zero to Scale places. Division by
// zero and overflow are errors.
func (d Decimal) Div(e Decimal) (Decimal, error) {
	if e.units == 0 {
		return Decimal{}, errors.New("decimal division by zero")
	}
	n := new(big.Int).Mul(big.NewInt(d.units), big.NewInt(unit))
	return fromScaledBig(n, big.NewInt(e.units))
}

// RoundTo rounds d half away from zero to places fractional digits (0..8).
func (d Decimal) RoundTo(places int) Decimal {
	if places >= Scale || places < 0 {
		return d
	}
	r, _ := fromScaledBig(big.NewInt(d.units), pow10(Scale-places))
	return Decimal{units: r.units * pow10(Scale-places).Int64()}
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// fromScaledBig returns n/den rounded half away from zero.
func fromScaledBig(n, den *big.Int) (Decimal, error) {
	q, r := new(big.Int).QuoRem(n, den, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(new(big.Int).Abs(den)) >= 0 {
		if n.Sign()*den.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return Decimal{}, ErrOverflow
	}
	return Decimal{units: q.Int64()}, nil
}

// String formats d without trailing zeros, keeping at least two fractional
// digits ("10.50", "0.00000001", "-3.00").
func (d Decimal) String() string {
	return d.StringFixed(2)
}

// StringFixed formats d with at least minPlaces fractional digits (0..8) and
// no trailing zeros beyond them.
func (d Decimal) StringFixed(minPlaces int) string {
	u := new(big.Int).SetInt64(d.units)
	neg := u.Sign() < 0
	u.Abs(u)
	s := fmt.Sprintf("%09s", u.String())
	intPart, frac := s[:len(s)-Scale], s[len(s)-Scale:]
	for len(frac) > minPlaces && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// MarshalText implements encoding.TextMarshaler; JSON encodes it as a string.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
