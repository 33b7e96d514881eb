package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/affcore/affcore/core"
)

// Adjustment is a manual movement by finance on a partner's available
// balance: a one-off bonus (positive) or a correction (either sign). It is
// booked against the tenant's cost account; a negative one beyond the
// available balance becomes carried-over debt.
type Adjustment struct {
	PartnerID string        `json:"partner_id"`
	Kind      Kind          `json:"kind"` // bonus or adjustment
	Amount    core.Decimal  `json:"amount"`
	Currency  core.Currency `json:"currency"`
	Memo      string        `json:"memo"`
	// Key makes the adjustment idempotent; empty means a new one.
	Key string `json:"-"`
}

// Actor is who made a change, for the audit log.
type Actor struct {
	Kind string
	ID   string
	IP   string
}

// Adjust books a. A bonus must be positive; every adjustment needs a memo.
func (s *Service) Adjust(ctx context.Context, tenant core.TenantID, a Adjustment, by Actor) (Posted, error) {
	var v core.Validator
	v.Check(a.PartnerID != "", "partner_id", "is required")
	v.Check(a.Kind == KindBonus || a.Kind == KindAdjustment, "kind", "must be bonus or adjustment")
	v.Check(!a.Amount.IsZero(), "amount", "must not be zero")
	v.Check(a.Kind != KindBonus || a.Amount.Sign() > 0, "amount", "a bonus must be positive")
	limit := core.DecimalFromInt(1_000_000_000)
	v.Check(a.Amount.Cmp(limit) <= 0 && a.Amount.Cmp(limit.Neg()) >= 0, "amount", "must be within ±1,000,000,000")
	cur, err := core.ParseCurrency(string(a.Currency))
	v.Check(err == nil, "currency", "must be a currency code")
	a.Memo = strings.TrimSpace(a.Memo)
	v.Check(a.Memo != "" && len(a.Memo) <= 500, "memo", "say what it is for (1 to 500 characters)")
	if err := v.Err(); err != nil {
		return Posted{}, err
	}
	if a.Key == "" {
		a.Key = core.NewIDAt("adj", s.clock.Now())
	}
	t := Txn{Key: "adjust:" + a.Key, Kind: a.Kind, PartnerID: a.PartnerID, Memo: a.Memo, Entries: []Entry{
		{Account: Account{PartnerID: a.PartnerID, Kind: Available, Currency: cur}, Amount: a.Amount, Spill: true},
		{Account: Account{PartnerID: a.PartnerID, Kind: Cost, Currency: cur}, Amount: a.Amount.Neg()},
	}}
	if err := t.Validate(); err != nil {
		return Posted{}, err
	}
	var out Posted
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if ok, err := s.store.PartnerExists(ctx, tenant, a.PartnerID); err != nil || !ok {
			return orNotFound(err, "partner not found")
		}
		if err := s.store.LockPartner(ctx, tenant, a.PartnerID); err != nil {
			return err
		}
		if out, err = s.post(ctx, tenant, t); err != nil || out.Duplicate {
			return err
		}
		return s.store.Audit(ctx, tenant, by, "ledger."+string(a.Kind), "partner", a.PartnerID, a)
	})
	if err != nil {
		return Posted{}, fmt.Errorf("adjust: %w", err)
	}
	return out, nil
}

// orNotFound returns err, or a not-found error with msg when err is nil.
func orNotFound(err error, msg string) error {
	if err != nil {
		return err
	}
	return core.Errorf(core.KindNotFound, "%s", msg)
}
