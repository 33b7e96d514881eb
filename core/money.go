package core

import (
	"fmt"
)

// Currency is an upper-case currency code: ISO 4217 ("USD", "EUR") or a crypto
// ticker ("USDT", "BTC"), 3 to 10 letters or digits.
type Currency string

// ParseCurrency validates and normalises a currency code.
func ParseCurrency(s string) (Currency, error) {
	if len(s) < 3 || len(s) > 10 {
		return "", fmt.Errorf("parse currency %q: want 3 to 10 letters", s)
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9' && i > 0:
		default:
			return "", fmt.Errorf("parse currency %q: want letters and digits", s)
		}
	}
	return Currency(b), nil
}

// Money is an exact amount in one currency.
type Money struct {
	Amount   Decimal  `json:"amount"`
	Currency Currency `json:"currency"`
}

// String formats m as "10.50 USD".
func (m Money) String() string { return m.Amount.String() + " " + string(m.Currency) }
