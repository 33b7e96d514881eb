package conversion

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Postback is a parsed, valid incoming postback.
type Postback struct {
	ClickID  string
	Revenue  core.Decimal
	Currency core.Currency
	Status   string
	TxID     string
	Event    string
	Test     bool
}

// DedupeKey is the idempotency key: the tx_id when given, else click + event.
func (p Postback) DedupeKey() string {
	if p.TxID != "" {
		return "tx:" + p.TxID
	}
	return "ev:" + p.ClickID + ":" + p.Event
}

// ParsePostback validates the postback parameters (query or form):
// click_id (required), payout or its alias revenue, currency (default USD),
// status (default approved), tx_id, event (default "conversion") and test.
// Every problem is reported with its field.
func ParsePostback(v url.Values) (Postback, error) {
	var val core.Validator
	p := Postback{ClickID: v.Get("click_id"), TxID: v.Get("tx_id"), Event: v.Get("event"), Status: v.Get("status")}
	val.Check(p.ClickID != "", "click_id", "is required")
	val.Check(len(p.ClickID) <= 64 && printable(p.ClickID), "click_id", "must be a click id")
	val.Check(len(p.TxID) <= 255 && printable(p.TxID), "tx_id", "must be at most 255 printable characters")
	if p.Event == "" {
		p.Event = "conversion"
	}
	val.Check(len(p.Event) <= 64 && printable(p.Event), "event", "must be at most 64 printable characters")
	p.Status = strings.ToLower(p.Status)
	if p.Status == "" {
		p.Status = event.StatusApproved
	}
	switch p.Status {
	case event.StatusPending, event.StatusApproved, event.StatusRejected, event.StatusHold:
	default:
		val.Add("status", "must be pending, approved, rejected or hold")
	}
	parseMoney(&val, v, &p)
	p.Test = v.Get("test") == "1" || strings.EqualFold(v.Get("test"), "true")
	return p, val.Err()
}

func parseMoney(val *core.Validator, v url.Values, p *Postback) {
	field, amount := "payout", v.Get("payout")
	if amount == "" {
		field, amount = "revenue", v.Get("revenue")
	}
	if amount != "" {
		d, err := core.ParseDecimal(amount)
		switch {
		case err != nil:
			val.Add(field, "must be a decimal number such as 10.50")
		case d.Sign() < 0:
			val.Add(field, "must not be negative")
		default:
			p.Revenue = d
		}
	}
	p.Currency = "USD"
	if c := v.Get("currency"); c != "" {
		cur, err := core.ParseCurrency(c)
		if err != nil {
			val.Add("currency", "must be a currency code such as USD")
		}
		p.Currency = cur
	}
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// redact returns the query without the token, for the log.
func redact(v url.Values) string {
	c := make(url.Values, len(v))
	for k, vs := range v {
		if k != "token" {
			c[k] = vs
		}
	}
	s := c.Encode()
	if len(s) > 2048 {
		s = s[:2048]
	}
	return s
}
