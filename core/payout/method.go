package payout

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
)

// Method kinds.
const (
	MethodCrypto = "crypto" // an address on a network, with an optional memo/tag
	MethodBank   = "bank"   // bank transfer details
	MethodManual = "manual" // free-form instructions (e.g. a wallet the advertiser pays by hand)
)

// Method is where a partner is paid.
type Method struct {
	Kind     string            `json:"kind"`
	Currency core.Currency     `json:"currency"`
	Network  string            `json:"network,omitempty"`
	Address  string            `json:"address,omitempty"`
	Memo     string            `json:"memo,omitempty"`
	Details  map[string]string `json:"details,omitempty"`
	Updated  time.Time         `json:"updated_at"`
}

// network describes a blockchain network's address format and whether it
// takes a memo/tag. Immutable table.
type network struct {
	address *regexp.Regexp
	memo    func(string) bool // nil: the network takes no memo
}

var (
	base58 = `[1-9A-HJ-NP-Za-km-z]`
	evm    = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
	ibanRe = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]+$`)
	bicRe  = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
	// networks is the table of supported networks (names as exchanges use them).
	networks = map[string]network{
		"TRC20":    {address: regexp.MustCompile(`^T` + base58 + `{33}$`)},
		"ERC20":    {address: evm},
		"BEP20":    {address: evm},
		"POLYGON":  {address: evm},
		"ARBITRUM": {address: evm},
		"OPTIMISM": {address: evm},
		"BASE":     {address: evm},
		"AVAXC":    {address: evm},
		"BTC":      {address: regexp.MustCompile(`^(bc1[02-9ac-hj-np-z]{11,87}|[13]` + base58 + `{25,34})$`)},
		"LTC":      {address: regexp.MustCompile(`^(ltc1[02-9ac-hj-np-z]{11,87}|[LM3]` + base58 + `{26,33})$`)},
		"SOL":      {address: regexp.MustCompile(`^` + base58 + `{32,44}$`)},
		"TON":      {address: regexp.MustCompile(`^(EQ|UQ)[A-Za-z0-9_-]{46}$`), memo: func(m string) bool { return len(m) <= 120 }},
		"XRP":      {address: regexp.MustCompile(`^r` + base58 + `{24,34}$`), memo: isDestinationTag},
		"XLM":      {address: regexp.MustCompile(`^G[A-Z2-7]{55}$`), memo: func(m string) bool { return len(m) <= 28 }},
	}
)

// isDestinationTag reports an XRP destination tag: an unsigned 32-bit integer.
func isDestinationTag(m string) bool {
	_, err := strconv.ParseUint(m, 10, 32)
	return err == nil
}

// Networks lists the supported crypto networks.
func Networks() []string {
	out := make([]string, 0, len(networks))
	for n := range networks {
		out = append(out, n)
	}
	return out
}

// Validate checks m and normalises it (upper-case currency and network,
// trimmed fields). Errors name the field.
func (m *Method) Validate() error {
	var v core.Validator
	cur, err := core.ParseCurrency(strings.TrimSpace(string(m.Currency)))
	v.Check(err == nil, "currency", "must be a currency code such as USDT or EUR")
	m.Currency = cur
	m.Network, m.Address, m.Memo = strings.ToUpper(strings.TrimSpace(m.Network)), strings.TrimSpace(m.Address), strings.TrimSpace(m.Memo)
	switch m.Kind {
	case MethodCrypto:
		m.validateCrypto(&v)
	case MethodBank:
		m.validateBank(&v)
	case MethodManual:
		v.Check(len(strings.TrimSpace(m.Details["instructions"])) > 0, "details.instructions", "say how to pay you")
		v.Check(m.Network == "" && m.Address == "" && m.Memo == "", "address", "a manual method has only details")
	default:
		v.Add("kind", "must be crypto, bank or manual")
	}
	for k, val := range m.Details {
		v.Check(len(k) <= 40 && len(val) <= 1000, "details."+k, "too long")
	}
	v.Check(len(m.Details) <= 20, "details", "at most 20 fields")
	return v.Err()
}

func (m *Method) validateCrypto(v *core.Validator) {
	n, ok := networks[m.Network]
	if !ok {
		v.Add("network", "unsupported network (supported: TRC20, ERC20, BEP20, POLYGON, ARBITRUM, OPTIMISM, BASE, AVAXC, BTC, LTC, SOL, TON, XRP, XLM)")
		return
	}
	v.Check(n.address.MatchString(m.Address), "address", fmt.Sprintf("is not a valid %s address", m.Network))
	switch {
	case m.Memo != "" && n.memo == nil:
		v.Add("memo", fmt.Sprintf("the %s network takes no memo or tag", m.Network))
	case m.Memo != "" && !n.memo(m.Memo):
		v.Add("memo", fmt.Sprintf("is not a valid %s memo/tag", m.Network))
	}
}

func (m *Method) validateBank(v *core.Validator) {
	d := m.Details
	v.Check(strings.TrimSpace(d["account_holder"]) != "", "details.account_holder", "is required")
	iban := strings.ToUpper(strings.ReplaceAll(d["iban"], " ", ""))
	v.Check(iban != "" || strings.TrimSpace(d["account_number"]) != "", "details.iban", "give an IBAN or an account number")
	if iban != "" {
		v.Check(validIBAN(iban), "details.iban", "is not a valid IBAN (checksum)")
		d["iban"] = iban
	}
	if bic := strings.ToUpper(strings.TrimSpace(d["swift"])); bic != "" {
		v.Check(bicRe.MatchString(bic), "details.swift", "is not a valid SWIFT/BIC code")
		d["swift"] = bic
	}
	v.Check(m.Network == "" && m.Address == "", "address", "a bank method has only details")
}

// validIBAN checks an IBAN's shape and its ISO 7064 mod-97 checksum.
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !ibanRe.MatchString(s) {
		return false
	}
	var digits strings.Builder
	for _, c := range s[4:] + s[:4] {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			digits.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// SetMethod validates and saves a partner's payout method. Payouts already
// requested keep the method they were requested with.
func (s *Service) SetMethod(ctx context.Context, tenant core.TenantID, partnerID string, m Method, by Actor) (Method, error) {
	if m.Details == nil {
		m.Details = map[string]string{}
	}
	if err := m.Validate(); err != nil {
		return Method{}, err
	}
	m.Updated = s.clock.Now()
	if err := s.store.SaveMethod(ctx, tenant, partnerID, m, by); err != nil {
		return Method{}, fmt.Errorf("save payout method: %w", err)
	}
	return m, nil
}

// GetMethod returns a partner's payout method.
func (s *Service) GetMethod(ctx context.Context, tenant core.TenantID, partnerID string) (Method, error) {
	m, ok, err := s.store.Method(ctx, tenant, partnerID)
	if err != nil {
		return Method{}, err
	}
	if !ok {
		return Method{}, core.Errorf(core.KindNotFound, "no payout method set")
	}
	return m, nil
}
