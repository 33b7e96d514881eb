package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/payout"
	"github.com/affcore/affcore/core/postgres"
)

// testClock is a settable clock shared by the services of a test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recordingBus is an event.Publisher that keeps what was published and,
// like JetStream, stores a message id once. fail makes the next publishes
// fail (a bus outage after the database committed).
type recordingBus struct {
	mu   sync.Mutex
	ids  map[string]bool
	msgs []event.Commission
	fail int
}

func (b *recordingBus) Publish(_ context.Context, subject string, payload []byte, msgID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail > 0 {
		b.fail--
		return fmt.Errorf("bus unavailable")
	}
	if b.ids == nil {
		b.ids = map[string]bool{}
	}
	if b.ids[msgID] {
		return nil
	}
	var c event.Commission
	if err := json.Unmarshal(payload, &c); err != nil {
		return err
	}
	if subject != event.Subject(c.Conversion.TenantID, event.CommissionDecided) || msgID != c.MsgID() {
		return fmt.Errorf("published %s as %s on %s", c.MsgID(), msgID, subject)
	}
	b.ids[msgID] = true
	b.msgs = append(b.msgs, c)
	return nil
}

func (b *recordingBus) events() []event.Commission {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]event.Commission(nil), b.msgs...)
}

// moneyEnv is one tenant with partners on a real database, and the money
// services of one "node" (more nodes share the database).
type moneyEnv struct {
	t        testing.TB
	ctx      context.Context
	db       *postgres.DB
	clock    *testClock
	bus      *recordingBus
	m        *money
	tenant   core.TenantID
	partners []string
	finance  string
}

func newMoneyEnv(t testing.TB, partners int) *moneyEnv {
	t.Helper()
	return newMoneyEnvOn(t, coretest.DB(t), partners)
}

// newMoneyEnvOn is newMoneyEnv on a given database.
func newMoneyEnvOn(t testing.TB, db *postgres.DB, partners int) *moneyEnv {
	t.Helper()
	e := &moneyEnv{t: t, ctx: context.Background(), db: db, bus: &recordingBus{},
		clock: &testClock{t: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)}}
	e.tenant = coretest.Tenant(t, db)
	e.finance = coretest.User(t, db, e.tenant, "finance")
	for range partners {
		e.partners = append(e.partners, coretest.Partner(t, db, e.tenant))
	}
	e.m = e.node(nil)
	return e
}

// node returns another set of services on the same database and clock.
func (e *moneyEnv) node(rails []payout.Rail) *money {
	return newMoney(e.db, e.bus, firstPartyModels{}, e.clock, rails, coretest.Logger())
}

func (e *moneyEnv) fin() payout.Actor { return payout.Actor{Kind: "user", ID: e.finance} }

// terms creates commission terms or fails the test.
func (e *moneyEnv) terms(in commission.NewTerms) commission.Terms {
	e.t.Helper()
	from := e.clock.Now().Add(-time.Hour) // let them cover conversions of the last hour
	if in.EffectiveFrom == nil {
		in.EffectiveFrom = &from
	}
	e.clock.advance(-2 * time.Hour) // creation may not backdate: create "earlier"
	defer e.clock.advance(2 * time.Hour)
	tr, err := e.m.commission.CreateTerms(e.ctx, e.tenant, in, commission.Actor{Kind: "user", ID: e.finance})
	if err != nil {
		e.t.Fatalf("create terms: %v", err)
	}
	return tr
}

// conv is a ConversionChanged transition of the env's tenant.
func (e *moneyEnv) conv(id string, seq int64, partner, status, prev string, revenue string) event.Conversion {
	return event.Conversion{TenantID: e.tenant, ConversionID: id, Seq: seq, ClickID: "clk_" + id, CampaignID: "cmp_1",
		OfferID: "off_1", PartnerID: partner, Event: "sale", Status: status, PrevStatus: prev,
		Revenue: core.MustParseDecimal(revenue), Currency: "USD", OccurredAt: e.clock.Now().Add(-time.Minute)}
}

func (e *moneyEnv) handle(ev event.Conversion) {
	e.t.Helper()
	if err := e.m.commission.Handle(e.ctx, ev); err != nil {
		e.t.Fatalf("handle %s: %v", ev.MsgID(), err)
	}
}

// balance returns a partner's balances in currency.
func (e *moneyEnv) balance(partner string, cur core.Currency) ledger.PartnerBalance {
	e.t.Helper()
	bs, err := e.m.ledger.Balances(e.ctx, e.tenant, partner, cur)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, b := range bs {
		if b.PartnerID == partner && b.Currency == cur {
			return b
		}
	}
	return ledger.PartnerBalance{PartnerID: partner, Currency: cur}
}

// wantBalance compares selected states, e.g. "pending=10 hold=0".
func (e *moneyEnv) wantBalance(partner string, cur core.Currency, want string) {
	e.t.Helper()
	b := e.balance(partner, cur)
	got := map[string]core.Decimal{"pending": b.Pending, "hold": b.Hold, "available": b.Available, "in_payout": b.InPayout,
		"paid": b.Paid, "reversed": b.Reversed, "carryover": b.Carryover}
	for _, kv := range strings.Fields(want) {
		k, v, _ := strings.Cut(kv, "=")
		if got[k] != core.MustParseDecimal(v) {
			e.t.Errorf("%s %s: %s = %s, want %s (all: %+v)", partner, cur, k, got[k], v, b)
		}
	}
}

// setMethod gives a partner a manual payout method in cur.
func (e *moneyEnv) setMethod(partner string, cur core.Currency) {
	e.t.Helper()
	_, err := e.m.payouts.SetMethod(e.ctx, e.tenant, partner, payout.Method{Kind: payout.MethodCrypto, Currency: cur,
		Network: "TRC20", Address: "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"}, payout.Actor{Kind: "partner", ID: partner})
	if err != nil {
		e.t.Fatal(err)
	}
}

// checkLedger asserts the ledger's invariants: every transaction balances,
// every running balance equals the sum of its entries, commission per
// conversion matches the ledger, the trial balance is zero, available and
// in_payout are never negative and carryover never positive.
func (e *moneyEnv) checkLedger() {
	e.t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM (SELECT transaction_id FROM ledger_entries
		GROUP BY transaction_id, currency HAVING sum(amount) <> 0) x`).Scan(&n); err != nil || n != 0 {
		e.t.Fatalf("unbalanced transactions: %d (%v)", n, err)
	}
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM ledger_accounts a WHERE a.balance <>
		coalesce((SELECT sum(amount) FROM ledger_entries e WHERE e.account_id = a.id), 0)`).Scan(&n); err != nil || n != 0 {
		e.t.Fatalf("running balances that differ from a replay of entries: %d (%v)", n, err)
	}
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM ledger_accounts WHERE (kind IN ('available', 'in_payout', 'paid') AND balance < 0)
		OR (kind = 'carryover' AND balance > 0)`).Scan(&n); err != nil || n != 0 {
		e.t.Fatalf("accounts with a forbidden sign: %d (%v)", n, err)
	}
	rec, err := e.m.ledger.Reconcile(e.ctx, e.tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(rec.Mismatches) > 0 {
		e.t.Fatalf("commission does not match the ledger: %+v", rec.Mismatches)
	}
	for _, tb := range rec.Trial {
		if !tb.Sum.IsZero() {
			e.t.Fatalf("trial balance in %s is %s", tb.Currency, tb.Sum)
		}
	}
}
