package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// Store persists the ledger. Its methods join the transaction that InTx put
// in ctx, so a ledger posting and the business state it belongs to (a
// payout's status, a conversion's commission) commit together.
type Store interface {
	// InTx runs fn in a database transaction (joining one already in ctx).
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// LockPartner serialises money movements of one partner until the
	// transaction ends.
	LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error
	// InsertTxn records the transaction header; it returns false (and the
	// recorded id and digest) when the key exists already.
	InsertTxn(ctx context.Context, tenant core.TenantID, t Txn, id string) (inserted bool, existingID, existingDigest string, err error)
	// LockAccounts creates missing accounts and returns their balances,
	// locked until the transaction ends.
	LockAccounts(ctx context.Context, tenant core.TenantID, accounts []Account) (map[Account]core.Decimal, error)
	// InsertEntries records the entries of transaction id.
	InsertEntries(ctx context.Context, tenant core.TenantID, id string, entries []Entry) error
	// Balances returns account balances matching f.
	Balances(ctx context.Context, tenant core.TenantID, f BalanceFilter) ([]AccountBalance, error)
	// Entries lists entries matching f, newest first.
	Entries(ctx context.Context, tenant core.TenantID, f EntryFilter) ([]EntryView, error)
	// Reconcile compares per-conversion commission with the ledger.
	Reconcile(ctx context.Context, tenant core.TenantID) (Reconciliation, error)
	// SetRate stores an FX rate; Rate finds the newest on or before day.
	SetRate(ctx context.Context, tenant core.TenantID, r Rate) error
	Rate(ctx context.Context, tenant core.TenantID, base, quote core.Currency, day time.Time) (Rate, error)
	Rates(ctx context.Context, tenant core.TenantID, f RateFilter) ([]Rate, error)
	// PartnerExists reports whether the partner belongs to the tenant.
	PartnerExists(ctx context.Context, tenant core.TenantID, partnerID string) (bool, error)
	// Audit appends a change to the tenant's audit log.
	Audit(ctx context.Context, tenant core.TenantID, by Actor, action, targetType, targetID string, summary any) error
}

// Service records and reads ledger transactions.
type Service struct {
	store Store
	clock core.Clock
}

// NewService returns a ledger service over store.
func NewService(store Store, clock core.Clock) *Service {
	return &Service{store: store, clock: clock}
}

// InTx runs fn in one database transaction shared by every store that joins ctx.
func (s *Service) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.store.InTx(ctx, fn)
}

// LockPartner serialises the money movements of one partner until the
// surrounding transaction ends. Callers take it before reading balances they
// decide on.
func (s *Service) LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error {
	return s.store.LockPartner(ctx, tenant, partnerID)
}

// Post records t once: it validates that t balances, applies the
// available-balance rule (Expand) under account locks, and writes the
// entries. Posting a key again returns the first posting with Duplicate set;
// posting a key again with other entries is an error. Post joins the
// transaction in ctx or runs its own.
func (s *Service) Post(ctx context.Context, tenant core.TenantID, t Txn) (Posted, error) {
	if err := t.Validate(); err != nil {
		return Posted{}, err
	}
	var out Posted
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.post(ctx, tenant, t)
		return err
	})
	if err != nil {
		return Posted{}, fmt.Errorf("post %s: %w", t.Key, err)
	}
	return out, nil
}

func (s *Service) post(ctx context.Context, tenant core.TenantID, t Txn) (Posted, error) {
	now := s.clock.Now()
	id := core.NewIDAt("ltx", now)
	inserted, oldID, oldDigest, err := s.store.InsertTxn(ctx, tenant, t, id)
	if err != nil {
		return Posted{}, err
	}
	if !inserted {
		if oldDigest != t.Digest() {
			return Posted{}, core.Errorf(core.KindConflict, "ledger key %s was recorded with other entries", t.Key)
		}
		return Posted{ID: oldID, Txn: t, Duplicate: true}, nil
	}
	balances, err := s.store.LockAccounts(ctx, tenant, t.Accounts())
	if err != nil {
		return Posted{}, err
	}
	entries, err := Expand(t, balances)
	if err != nil {
		return Posted{}, err
	}
	if err := (Txn{Key: t.Key, Entries: entries}).Validate(); err != nil {
		return Posted{}, err // Expand only moves money between a partner's accounts; this is a bug guard
	}
	if err := s.store.InsertEntries(ctx, tenant, id, entries); err != nil {
		return Posted{}, err
	}
	return Posted{ID: id, Txn: t, Entries: entries, CreatedAt: now}, nil
}

// Balance returns one account's balance (zero if it has no entries). Inside
// a transaction that holds the partner lock it is the exact current value.
func (s *Service) Balance(ctx context.Context, tenant core.TenantID, a Account) (core.Decimal, error) {
	rows, err := s.store.Balances(ctx, tenant, BalanceFilter{PartnerID: a.PartnerID, Kinds: []AccountKind{a.Kind}, Currency: a.Currency, Exact: true})
	if err != nil {
		return core.Zero, err
	}
	for _, r := range rows {
		if r.Account == a {
			return r.Balance, nil
		}
	}
	return core.Zero, nil
}
