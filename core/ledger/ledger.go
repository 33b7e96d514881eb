// Package ledger is affcore's double-entry, append-only ledger. Every movement
// of money is a Txn whose entries sum to zero in each currency; balances are
// sums of entries, never edited. Each Txn carries an idempotency key that
// names one business effect (a conversion transition, a release, a payout
// step), so a retried effect is recorded once.
//
// Accounts belong to a tenant and a partner and hold one currency. The
// partner's accounts are the states a commission moves through — pending,
// hold, available, in_payout, paid — plus reversed (commission taken back)
// and carryover (a negative balance carried into later periods). The tenant's
// side of every movement is booked on cost (commission expense), revenue and
// receivable (what conversions are worth to the advertiser) and fx (the
// clearing account of currency conversions). Amounts are credit-positive: a
// positive entry adds to what an account holds from the partner's point of
// view. See RATIONALE.md for the full chart and the rules.
package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
)

// AccountKind names an account within a (tenant, partner, currency).
type AccountKind string

// The partner's accounts: the states of a partner's money.
const (
	Pending   AccountKind = "pending"   // commission of conversions not yet approved
	Hold      AccountKind = "hold"      // approved commission within its hold period
	Available AccountKind = "available" // payable; never negative
	InPayout  AccountKind = "in_payout" // reserved by a payout request until it is paid or released
	Paid      AccountKind = "paid"      // paid out, lifetime
	Reversed  AccountKind = "reversed"  // commission taken back by rejections and chargebacks, lifetime
	Carryover AccountKind = "carryover" // negative balance carried forward; never positive
)

// The tenant's accounts, the other side of every movement.
const (
	Cost       AccountKind = "cost"       // commission expense
	Revenue    AccountKind = "revenue"    // what approved conversions are worth to the advertiser
	Receivable AccountKind = "receivable" // the clearing side of revenue
	FX         AccountKind = "fx"         // clearing account of currency conversions
)

// PartnerKinds lists the partner's accounts in display order.
var PartnerKinds = []AccountKind{Pending, Hold, Available, InPayout, Paid, Reversed, Carryover}

// TenantKinds lists the tenant's accounts.
var TenantKinds = []AccountKind{Cost, Revenue, Receivable, FX}

// Valid reports whether k is a known account kind.
func (k AccountKind) Valid() bool {
	return slices.Contains(PartnerKinds, k) || slices.Contains(TenantKinds, k)
}

// Account identifies one account of a tenant.
type Account struct {
	PartnerID string
	Kind      AccountKind
	Currency  core.Currency
}

// String formats a as partner/kind/currency, for logs and errors.
func (a Account) String() string {
	return a.PartnerID + "/" + string(a.Kind) + "/" + string(a.Currency)
}

// Entry is one line of a Txn.
type Entry struct {
	Account Account
	Amount  core.Decimal
	// Spill applies the available-balance rule to an entry on Available: a
	// debit beyond the balance moves the shortfall to Carryover, and a credit
	// first repays a negative Carryover. Entries without Spill that would take
	// Available below zero are refused.
	Spill bool
}

// Kind classifies a transaction (the business effect it records).
type Kind string

// Transaction kinds.
const (
	KindTransition    Kind = "transition"     // a conversion changed status: commission and revenue move
	KindRelease       Kind = "release"        // a hold period ended: hold → available
	KindPayoutReserve Kind = "payout_reserve" // a payout was requested: available → in_payout
	KindPayoutPaid    Kind = "payout_paid"    // a payout was paid: in_payout → paid
	KindPayoutRelease Kind = "payout_release" // a payout failed or was cancelled: in_payout → available
	KindBonus         Kind = "bonus"          // a bonus: cost → available
	KindAdjustment    Kind = "adjustment"     // a manual correction by finance
	KindCarryover     Kind = "carryover"      // period close: a negative balance reset (written off)
)

// Txn is a balanced set of entries recorded as one business effect.
type Txn struct {
	// Key names the business effect; a second Txn with the same key is not
	// recorded again (and must carry the same entries).
	Key          string
	Kind         Kind
	PartnerID    string
	ConversionID string
	PayoutID     string
	Memo         string
	Entries      []Entry
}

// Validate checks that t is well-formed and sums to zero in each currency.
func (t Txn) Validate() error {
	if t.Key == "" || len(t.Key) > 200 {
		return core.Errorf(core.KindInternal, "ledger: transaction key must be 1 to 200 characters")
	}
	if len(t.Entries) < 2 {
		return core.Errorf(core.KindInternal, "ledger: transaction %s needs at least two entries", t.Key)
	}
	sums := map[core.Currency]core.Decimal{}
	for _, e := range t.Entries {
		if err := e.validate(); err != nil {
			return fmt.Errorf("ledger: transaction %s: %w", t.Key, err)
		}
		s, err := sums[e.Account.Currency].Add(e.Amount)
		if err != nil {
			return core.Wrap(core.KindInvalid, err, "amount out of range")
		}
		sums[e.Account.Currency] = s
	}
	for cur, s := range sums {
		if !s.IsZero() {
			return core.Errorf(core.KindInternal, "ledger: transaction %s does not balance: %s %s", t.Key, s, cur)
		}
	}
	return nil
}

func (e Entry) validate() error {
	switch {
	case !e.Account.Kind.Valid():
		return fmt.Errorf("unknown account kind %q", e.Account.Kind)
	case e.Amount.IsZero():
		return fmt.Errorf("zero entry on %s", e.Account)
	case e.Spill && e.Account.Kind != Available:
		return fmt.Errorf("spill on %s: only available spills", e.Account)
	case slices.Contains(PartnerKinds, e.Account.Kind) && e.Account.PartnerID == "":
		return fmt.Errorf("partner account %s without a partner", e.Account.Kind)
	}
	if _, err := core.ParseCurrency(string(e.Account.Currency)); err != nil || strings.ToUpper(string(e.Account.Currency)) != string(e.Account.Currency) {
		return fmt.Errorf("bad currency %q", e.Account.Currency)
	}
	return nil
}

// Digest is a stable hash of the requested entries. A key posted again must
// come with the same digest, so a bug can never reuse a key for other money.
func (t Txn) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s\n", t.Kind, t.PartnerID, t.ConversionID, t.PayoutID)
	for _, e := range t.Entries {
		fmt.Fprintf(h, "%s|%s|%t\n", e.Account, e.Amount.StringFixed(8), e.Spill)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Accounts returns the distinct accounts t touches, including the
// Carryover accounts that spilling entries may use.
func (t Txn) Accounts() []Account {
	var out []Account
	add := func(a Account) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, e := range t.Entries {
		add(e.Account)
		if e.Spill {
			add(Account{PartnerID: e.Account.PartnerID, Kind: Carryover, Currency: e.Account.Currency})
		}
	}
	return out
}

// Posted is a recorded transaction with the entries it was recorded with
// (after the spill rule).
type Posted struct {
	ID        string
	Txn       Txn
	Entries   []Entry
	CreatedAt time.Time
	// Duplicate is true when the key had been recorded before and nothing new
	// was written.
	Duplicate bool
}
