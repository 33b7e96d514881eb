package ledger

import (
	"context"
	"slices"
	"time"

	"github.com/affcore/affcore/core"
)

// BalanceFilter selects accounts. Empty fields match everything.
type BalanceFilter struct {
	PartnerID string
	Kinds     []AccountKind
	Currency  core.Currency
	// Exact makes an empty PartnerID mean the tenant's own accounts ('')
	// instead of every partner.
	Exact bool
}

// AccountBalance is one account and its balance.
type AccountBalance struct {
	Account Account
	Balance core.Decimal
}

// PartnerBalance is a partner's money in one currency, by state.
type PartnerBalance struct {
	PartnerID string        `json:"partner_id"`
	Currency  core.Currency `json:"currency"`
	Pending   core.Decimal  `json:"pending"`
	Hold      core.Decimal  `json:"hold"`
	Available core.Decimal  `json:"available"`
	InPayout  core.Decimal  `json:"in_payout"`
	Paid      core.Decimal  `json:"paid"`
	Reversed  core.Decimal  `json:"reversed"`
	Carryover core.Decimal  `json:"carryover"`
}

// EntryFilter selects ledger entries. Before pages backwards by entry id.
type EntryFilter struct {
	PartnerID    string
	Kind         AccountKind
	Currency     core.Currency
	ConversionID string
	PayoutID     string
	// PartnerSide hides the tenant's accounts (cost, revenue, receivable,
	// fx): a partner never sees what a conversion was worth to the advertiser.
	PartnerSide bool
	Before      int64
	Limit       int
}

// EntryView is an entry with the transaction it belongs to.
type EntryView struct {
	ID            int64         `json:"id"`
	TransactionID string        `json:"transaction_id"`
	Kind          Kind          `json:"kind"`
	PartnerID     string        `json:"partner_id,omitempty"`
	Account       AccountKind   `json:"account"`
	Currency      core.Currency `json:"currency"`
	Amount        core.Decimal  `json:"amount"`
	ConversionID  string        `json:"conversion_id,omitempty"`
	PayoutID      string        `json:"payout_id,omitempty"`
	Memo          string        `json:"memo,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
}

// Reconciliation compares the commission recorded per conversion (the
// conversion_commissions view that stats read) with the sum of the ledger
// entries of each conversion on the partner's accounts.
type Reconciliation struct {
	Conversions int64             `json:"conversions"`
	Totals      []ReconcileTotal  `json:"totals"`
	Mismatches  []ReconcileLine   `json:"mismatches"`
	Trial       []CurrencyBalance `json:"trial_balance"`
}

// ReconcileTotal is the commission of all conversions in one currency, by
// both sources; they must be equal to the cent (to 10^-8).
type ReconcileTotal struct {
	Currency   core.Currency `json:"currency"`
	Commission core.Decimal  `json:"commission"`
	Ledger     core.Decimal  `json:"ledger"`
}

// ReconcileLine is one conversion whose two figures differ.
type ReconcileLine struct {
	ConversionID string        `json:"conversion_id"`
	Currency     core.Currency `json:"currency"`
	Commission   core.Decimal  `json:"commission"`
	Ledger       core.Decimal  `json:"ledger"`
}

// CurrencyBalance is the sum of every account of a tenant in one currency:
// always zero in a double-entry ledger.
type CurrencyBalance struct {
	Currency core.Currency `json:"currency"`
	Sum      core.Decimal  `json:"sum"`
}

// Balances returns partners' balances by state, one row per partner and
// currency (all partners when partnerID is empty).
func (s *Service) Balances(ctx context.Context, tenant core.TenantID, partnerID string, currency core.Currency) ([]PartnerBalance, error) {
	rows, err := s.store.Balances(ctx, tenant, BalanceFilter{PartnerID: partnerID, Kinds: PartnerKinds, Currency: currency})
	if err != nil {
		return nil, err
	}
	return groupBalances(rows), nil
}

// groupBalances pivots account rows into one PartnerBalance per partner and
// currency, ordered by partner then currency.
func groupBalances(rows []AccountBalance) []PartnerBalance {
	type key struct {
		p string
		c core.Currency
	}
	idx := map[key]int{}
	var out []PartnerBalance
	for _, r := range rows {
		k := key{r.Account.PartnerID, r.Account.Currency}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, PartnerBalance{PartnerID: k.p, Currency: k.c})
		}
		*out[i].field(r.Account.Kind) = r.Balance
	}
	slices.SortFunc(out, func(a, b PartnerBalance) int {
		if a.PartnerID != b.PartnerID {
			return cmpString(a.PartnerID, b.PartnerID)
		}
		return cmpString(string(a.Currency), string(b.Currency))
	})
	return out
}

func (b *PartnerBalance) field(k AccountKind) *core.Decimal {
	switch k {
	case Pending:
		return &b.Pending
	case Hold:
		return &b.Hold
	case Available:
		return &b.Available
	case InPayout:
		return &b.InPayout
	case Paid:
		return &b.Paid
	case Reversed:
		return &b.Reversed
	}
	return &b.Carryover
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Entries lists ledger entries, newest first; limit defaults to 100 (max 500).
func (s *Service) Entries(ctx context.Context, tenant core.TenantID, f EntryFilter) ([]EntryView, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, core.Invalid("account", "unknown account kind")
	}
	return s.store.Entries(ctx, tenant, f)
}

// Reconcile checks commission per conversion against the ledger and returns
// the totals, every mismatch, and the trial balance.
func (s *Service) Reconcile(ctx context.Context, tenant core.TenantID) (Reconciliation, error) {
	return s.store.Reconcile(ctx, tenant)
}
