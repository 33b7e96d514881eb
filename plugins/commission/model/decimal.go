package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// dec is an exact decimal: a count of 10^-8 units.
type dec int64

const scale = 8

var errRange = errors.New("out of range")

// parseDec parses a plain decimal string ("10", "-2.5", "0.00000001").
func parseDec(s string) (dec, error) {
	if s == "" || len(s) > 32 {
		return 0, fmt.Errorf("%q is not a decimal", s)
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	ip, fp, dot := strings.Cut(body, ".")
	if (ip == "" && fp == "") || (dot && fp == "") || len(fp) > scale || !allDigits(ip) || !allDigits(fp) {
		return 0, fmt.Errorf("%q is not a decimal with at most 8 places", s)
	}
	v, ok := new(big.Int).SetString(ip+fp+strings.Repeat("0", scale-len(fp)), 10)
	if !ok || !v.IsInt64() {
		return 0, fmt.Errorf("%q: %w", s, errRange)
	}
	if neg {
		return dec(-v.Int64()), nil
	}
	return dec(v.Int64()), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats d with at least two fractional digits.
func (d dec) String() string {
	u := new(big.Int).Abs(big.NewInt(int64(d))).String()
	u = strings.Repeat("0", max(0, scale+1-len(u))) + u
	ip, fp := u[:len(u)-scale], strings.TrimRight(u[len(u)-scale:], "0")
	for len(fp) < 2 {
		fp += "0"
	}
	if d < 0 {
		return "-" + ip + "." + fp
	}
	return ip + "." + fp
}

// mulRound returns a × b / div, rounded half away from zero to places
// fractional digits (a, b in units; div scales the product back).
func mulRound(a, b dec, div *big.Int, places int) (dec, error) {
	n := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b)))
	step := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale-places)), nil)
	den := new(big.Int).Mul(div, step)
	q, r := new(big.Int).QuoRem(n, den, new(big.Int))
	if r.Abs(r).Lsh(r, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	q.Mul(q, step)
	if !q.IsInt64() || q.Int64() == math.MinInt64 {
		return 0, errRange
	}
	return dec(q.Int64()), nil
}

// unitsPerOne is 10^8: dividing a product of two decs by it keeps the scale.
func unitsPerOne() *big.Int { return big.NewInt(100_000_000) }

// percentOf returns amount × pct% rounded to places.
func percentOf(amount, pct dec, places int) (dec, error) {
	return mulRound(amount, pct, new(big.Int).Mul(unitsPerOne(), big.NewInt(100)), places)
}

// roundTo rounds d half away from zero to places.
func roundTo(d dec, places int) dec {
	r, _ := mulRound(d, dec(100_000_000), unitsPerOne(), places) // d × 1: cannot overflow
	return r
}

// placesOf returns the minor-unit digits of a currency: 8 for crypto and
// non-ISO codes, 0 or 3 for a few ISO currencies, else 2. It matches the
// table in core/ledger.
func placesOf(cur string) int {
	switch cur {
	case "BTC", "ETH", "USDT", "USDC", "LTC", "TRX", "SOL", "TON", "BNB", "XRP", "DOGE", "DAI", "BCH", "XLM",
		"ADA", "MATIC", "POL", "DOT", "AVAX", "FDUSD":
		return scale
	case "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD":
		return 3
	}
	if len(cur) == 3 {
		return 2
	}
	return scale
}

// validCurrency reports an upper-case code of 3 to 10 letters or digits.
func validCurrency(c string) bool {
	if len(c) < 3 || len(c) > 10 || c[0] < 'A' || c[0] > 'Z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !(c[i] >= 'A' && c[i] <= 'Z' || c[i] >= '0' && c[i] <= '9') {
			return false
		}
	}
	return true
}

// strictDecode decodes params into v, refusing unknown fields and
// reporting the field at fault as params.<name>.
func strictDecode(params json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(params))
	d.DisallowUnknownFields()
	err := d.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return fieldErr("params."+te.Field, "has the wrong type")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fieldErr("params."+strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown parameter")
	}
	return fieldErr("params", "must be a JSON object")
}
