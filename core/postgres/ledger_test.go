package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/postgres"
)

func dec(s string) core.Decimal { return core.MustParseDecimal(s) }

func newLedger(t testing.TB) (*postgres.DB, *ledger.Service, core.TenantID, string) {
	t.Helper()
	db := coretest.DB(t)
	tenant := coretest.Tenant(t, db)
	return db, ledger.NewService(postgres.NewLedgerStore(db), core.SystemClock{}), tenant, coretest.Partner(t, db, tenant)
}

func accrue(key, partner, amount string) ledger.Txn {
	return ledger.Txn{Key: key, Kind: ledger.KindAdjustment, PartnerID: partner, Entries: []ledger.Entry{
		{Account: ledger.Account{PartnerID: partner, Kind: ledger.Available, Currency: "USD"}, Amount: dec(amount)},
		{Account: ledger.Account{PartnerID: partner, Kind: ledger.Cost, Currency: "USD"}, Amount: dec(amount).Neg()},
	}}
}

// TestLedger_SQLRefusesUnbalanced: the database itself refuses a
// transaction that does not sum to zero, whoever writes it.
func TestLedger_SQLRefusesUnbalanced(t *testing.T) {
	ctx := context.Background()
	db, svc, tenant, partner := newLedger(t)
	if _, err := svc.Post(ctx, tenant, accrue("k1", partner, "10")); err != nil {
		t.Fatal(err)
	}
	var acct int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM ledger_accounts WHERE tenant_id = $1 AND kind = 'available'`, tenant).Scan(&acct); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO ledger_transactions (id, tenant_id, idem_key, digest, kind) VALUES ('ltx_bad', $1, 'bad', '', 'adjustment')`, tenant)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO ledger_entries (transaction_id, tenant_id, account_id, currency, amount) VALUES ('ltx_bad', $1, $2, 'USD', 5)`, tenant, acct)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err == nil || !strings.Contains(err.Error(), "does not balance") {
		t.Fatalf("commit of an unbalanced transaction: %v", err)
	}
}

// TestLedger_AppendOnly: entries and transactions cannot be changed or removed.
func TestLedger_AppendOnly(t *testing.T) {
	ctx := context.Background()
	db, svc, tenant, partner := newLedger(t)
	if _, err := svc.Post(ctx, tenant, accrue("k1", partner, "10")); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE ledger_entries SET amount = amount * 2`,
		`DELETE FROM ledger_entries`,
		`UPDATE ledger_transactions SET memo = 'x'`,
		`DELETE FROM ledger_transactions`,
		`TRUNCATE ledger_entries`,
	} {
		if _, err := db.Pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// TestLedger_AvailableNeverNegative: without the spill rule, an entry that
// would take available below zero is refused by the database.
func TestLedger_AvailableNeverNegative(t *testing.T) {
	ctx := context.Background()
	_, svc, tenant, partner := newLedger(t)
	if _, err := svc.Post(ctx, tenant, accrue("k1", partner, "10")); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Post(ctx, tenant, accrue("k2", partner, "-10.00000001"))
	if core.KindOf(err) != core.KindConflict {
		t.Fatalf("overdraw: %v; want a conflict", err)
	}
	if b, _ := svc.Balance(ctx, tenant, ledger.Account{PartnerID: partner, Kind: ledger.Available, Currency: "USD"}); b != dec("10") {
		t.Fatalf("available = %s after a refused overdraw", b)
	}
	spill := accrue("k3", partner, "-25")
	spill.Entries[0].Spill = true
	p, err := svc.Post(ctx, tenant, spill)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 3 {
		t.Fatalf("spilled entries = %+v", p.Entries)
	}
	bs, err := svc.Balances(ctx, tenant, partner, "USD")
	if err != nil || len(bs) != 1 || !bs[0].Available.IsZero() || bs[0].Carryover != dec("-15") {
		t.Fatalf("balances = %+v, %v", bs, err)
	}
}

// TestLedger_Idempotent: a key is recorded once, even posted concurrently;
// the same key with other entries is refused.
func TestLedger_Idempotent(t *testing.T) {
	ctx := context.Background()
	db, svc, tenant, partner := newLedger(t)
	var wg sync.WaitGroup
	dups := make(chan bool, 8)
	for range 8 {
		wg.Go(func() {
			p, err := svc.Post(ctx, tenant, accrue("once", partner, "3"))
			if err != nil {
				t.Error(err)
			}
			dups <- p.Duplicate
		})
	}
	wg.Wait()
	close(dups)
	fresh := 0
	for dup := range dups {
		if !dup {
			fresh++
		}
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM ledger_entries WHERE tenant_id = $1`, tenant).Scan(&n); err != nil || n != 2 || fresh != 1 {
		t.Fatalf("%d entries, %d fresh postings (%v); want 2 and 1", n, fresh, err)
	}
	if _, err := svc.Post(ctx, tenant, accrue("once", partner, "4")); core.KindOf(err) != core.KindConflict {
		t.Fatalf("reused key with other entries: %v", err)
	}
}

// TestLedger_FXRates: conversion uses the newest rate on or before the day,
// the inverse pair when only that exists, and refuses stale or missing rates.
func TestLedger_FXRates(t *testing.T) {
	ctx := context.Background()
	_, svc, tenant, _ := newLedger(t)
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, r := range []ledger.Rate{
		{Day: day.AddDate(0, 0, -1), Base: "EUR", Quote: "USD", Rate: "1.08"},
		{Day: day, Base: "EUR", Quote: "USD", Rate: "1.1"},
		{Day: day, Base: "USDT", Quote: "USD", Rate: "0.998"},
	} {
		if _, err := svc.SetRate(ctx, tenant, r); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		from core.Money
		to   core.Currency
		at   time.Time
		want string
	}{
		{core.Money{Amount: dec("100"), Currency: "EUR"}, "USD", day.Add(5 * time.Hour), "110.00"},
		{core.Money{Amount: dec("100"), Currency: "EUR"}, "USD", day.AddDate(0, 0, -1), "108.00"},
		{core.Money{Amount: dec("110"), Currency: "USD"}, "EUR", day, "100.00"},
		{core.Money{Amount: dec("99.8"), Currency: "USD"}, "USDT", day.AddDate(0, 0, 3), "100.00000000"},
	}
	for _, c := range cases {
		got, _, err := svc.Convert(ctx, tenant, c.from, c.to, c.at)
		if err != nil || got.Amount != dec(c.want) || got.Currency != c.to {
			t.Errorf("convert %s → %s at %s = %s, %v; want %s", c.from, c.to, c.at, got, err, c.want)
		}
	}
	if _, _, err := svc.Convert(ctx, tenant, core.Money{Amount: dec("1"), Currency: "EUR"}, "USD", day.AddDate(0, 0, 8)); core.KindOf(err) != core.KindConflict {
		t.Fatalf("stale rate: %v", err)
	}
	if _, _, err := svc.Convert(ctx, tenant, core.Money{Amount: dec("1"), Currency: "GBP"}, "USD", day); core.KindOf(err) != core.KindConflict {
		t.Fatalf("missing rate: %v", err)
	}
	if _, err := svc.SetRate(ctx, tenant, ledger.Rate{Day: day, Base: "EUR", Quote: "EUR", Rate: "-1"}); len(core.FieldsOf(err)) != 2 {
		t.Fatalf("bad rate: %v", err)
	}
}
