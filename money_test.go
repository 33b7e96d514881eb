package main

import (
	"context"
	"encoding/json"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/payout"
	"github.com/affcore/affcore/core/postgres"
)

func cpa(amount, cur string) json.RawMessage {
	return json.RawMessage(`{"amount":"` + amount + `","currency":"` + cur + `"}`)
}

// TestMoney_ConversionToPaid walks one commission through every state:
// pending, approved (hold), released (available), requested, approved by
// finance, marked paid.
func TestMoney_ConversionToPaid(t *testing.T) {
	e := newMoneyEnv(t, 1)
	p := e.partners[0]
	e.terms(commission.NewTerms{OfferID: "off_1", Model: "cpa", Params: cpa("10", "USD")})

	e.handle(e.conv("cnv_1", 1, p, event.StatusPending, "", "50"))
	e.wantBalance(p, "USD", "pending=10 hold=0 available=0")
	e.handle(e.conv("cnv_1", 2, p, event.StatusApproved, event.StatusPending, "50"))
	e.wantBalance(p, "USD", "pending=0 hold=10 available=0")

	if n, err := e.m.commission.ReleaseDue(e.ctx, 10); err != nil || n != 0 {
		t.Fatalf("released %d before the hold ended (%v)", n, err)
	}
	e.clock.advance(7*24*time.Hour + time.Second)
	if n, err := e.m.commission.ReleaseDue(e.ctx, 10); err != nil || n != 1 {
		t.Fatalf("released %d, %v; want 1", n, err)
	}
	e.wantBalance(p, "USD", "hold=0 available=10")

	e.setMethod(p, "USD")
	po, err := e.m.payouts.Request(e.ctx, e.tenant, payout.RequestInput{PartnerID: p}, payout.Actor{Kind: "partner", ID: p})
	if err != nil {
		t.Fatal(err)
	}
	e.wantBalance(p, "USD", "available=0 in_payout=10")
	po, err = e.m.payouts.Approve(e.ctx, e.tenant, po.ID, e.fin())
	if err != nil || po.Status != payout.StatusSending || !po.AwaitingConfirmation {
		t.Fatalf("approve: %+v, %v; want sending, awaiting confirmation", po, err)
	}
	po, err = e.m.payouts.MarkPaid(e.ctx, e.tenant, po.ID, "bank ref 42", e.fin())
	if err != nil || po.Status != payout.StatusPaid {
		t.Fatalf("mark paid: %+v, %v", po, err)
	}
	e.wantBalance(p, "USD", "pending=0 hold=0 available=0 in_payout=0 paid=10")
	e.checkLedger()

	evs := e.bus.events()
	if len(evs) != 2 || evs[0].Commission != core.MustParseDecimal("10") || !evs[1].Moved || !evs[1].Delta.IsZero() {
		t.Fatalf("commission events = %+v", evs)
	}
}

// TestMoney_DuplicatesAndOrder: a redelivered transition moves nothing and
// republishes the same event; a late older transition changes nothing.
func TestMoney_DuplicatesAndOrder(t *testing.T) {
	e := newMoneyEnv(t, 1)
	p := e.partners[0]
	e.terms(commission.NewTerms{OfferID: "off_1", Model: "cpa", Params: cpa("7.5", "EUR")})
	created := e.conv("cnv_1", 1, p, event.StatusPending, "", "0")
	approved := e.conv("cnv_1", 2, p, event.StatusApproved, event.StatusPending, "0")
	e.handle(approved) // seq 2 before seq 1
	e.handle(created)
	e.handle(approved)
	e.handle(created)
	e.wantBalance(p, "EUR", "pending=0 hold=7.5")
	var txns int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM ledger_transactions WHERE tenant_id = $1`, e.tenant).Scan(&txns); err != nil || txns != 1 {
		t.Fatalf("%d ledger transactions, %v; want 1", txns, err)
	}
	if evs := e.bus.events(); len(evs) != 2 {
		t.Fatalf("%d events; want one per transition", len(evs))
	}
	e.checkLedger()
}

// TestMoney_TestAndFraudNeverMoveMoney: test conversions report the
// commission they would earn; fraud-flagged ones report none; neither
// enters a balance. A conversion flagged as fraud later is reversed.
func TestMoney_TestAndFraudNeverMoveMoney(t *testing.T) {
	e := newMoneyEnv(t, 1)
	p := e.partners[0]
	e.terms(commission.NewTerms{OfferID: "off_1", Model: "cpa", Params: cpa("10", "USD")})
	test := e.conv("cnv_t", 1, p, event.StatusApproved, "", "10")
	test.Test = true
	fraud := e.conv("cnv_f", 1, p, event.StatusApproved, "", "10")
	fraud.Fraud = true
	e.handle(test)
	e.handle(fraud)
	e.wantBalance(p, "USD", "pending=0 hold=0 available=0")
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM ledger_transactions WHERE conversion_id IN ('cnv_t', 'cnv_f')`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d ledger transactions for test and fraud conversions (%v)", n, err)
	}
	evs := e.bus.events()
	if len(evs) != 2 || evs[0].Moved || evs[0].Commission != core.MustParseDecimal("10") || evs[1].Moved || !evs[1].Commission.IsZero() {
		t.Fatalf("events = %+v", evs)
	}

	e.handle(e.conv("cnv_2", 1, p, event.StatusApproved, "", "10"))
	later := e.conv("cnv_2", 2, p, event.StatusApproved, event.StatusApproved, "10")
	later.Fraud = true
	e.handle(later)
	e.wantBalance(p, "USD", "hold=0 reversed=10")
	e.checkLedger()
}

// TestMoney_ChargebackAfterPayoutCarriesOrResets: a chargeback after the
// money was paid out cannot make available negative: the debt goes to
// carryover, and the period close resets it or carries it by the
// partner's policy; later commission repays a carried debt first.
func TestMoney_ChargebackAfterPayoutCarriesOrResets(t *testing.T) {
	e := newMoneyEnv(t, 2)
	reset, carry := e.partners[0], e.partners[1]
	e.terms(commission.NewTerms{OfferID: "off_1", Model: "cpa", Params: cpa("10", "USD")})
	if _, err := e.m.payouts.SetPartnerSettings(e.ctx, e.tenant, payout.PartnerSettings{PartnerID: carry, NegativeCarryover: true}, e.fin()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{reset, carry} {
		e.handle(e.conv("a_"+p, 1, p, event.StatusApproved, "", "0"))
	}
	e.clock.advance(8 * 24 * time.Hour)
	if _, err := e.m.commission.ReleaseDue(e.ctx, 10); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{reset, carry} {
		e.setMethod(p, "USD")
		po, err := e.m.payouts.Request(e.ctx, e.tenant, payout.RequestInput{PartnerID: p}, e.fin())
		if err == nil {
			_, err = e.m.payouts.Approve(e.ctx, e.tenant, po.ID, e.fin())
		}
		if err == nil {
			_, err = e.m.payouts.MarkPaid(e.ctx, e.tenant, po.ID, "ref", e.fin())
		}
		if err != nil {
			t.Fatal(err)
		}
		e.handle(e.conv("a_"+p, 2, p, event.StatusRejected, event.StatusApproved, "0")) // chargeback
		e.wantBalance(p, "USD", "available=0 paid=10 reversed=10 carryover=-10")
	}
	e.clock.advance(30 * 24 * time.Hour) // into April: March can close
	if n, err := e.m.commission.CloseDue(e.ctx); err != nil || n != 1 {
		t.Fatalf("closed %d periods, %v", n, err)
	}
	e.wantBalance(reset, "USD", "available=0 carryover=0")
	e.wantBalance(carry, "USD", "available=0 carryover=-10")

	e.handle(e.conv("b_"+carry, 1, carry, event.StatusApproved, "", "0"))
	e.clock.advance(8 * 24 * time.Hour)
	if _, err := e.m.commission.ReleaseDue(e.ctx, 10); err != nil {
		t.Fatal(err)
	}
	e.wantBalance(carry, "USD", "available=0 carryover=0") // the new 10 repaid the debt
	e.checkLedger()
}

// TestMoney_TermsPrecedenceAndSnapshot: partner terms beat offer terms;
// terms changed after a conversion do not change its commission.
func TestMoney_TermsPrecedenceAndSnapshot(t *testing.T) {
	e := newMoneyEnv(t, 2)
	vip, other := e.partners[0], e.partners[1]
	e.terms(commission.NewTerms{OfferID: "off_1", Model: "cpa", Params: cpa("10", "USD")})
	e.terms(commission.NewTerms{PartnerID: vip, Model: "revshare", Params: json.RawMessage(`{"percent":"50"}`)})
	e.handle(e.conv("c_vip", 1, vip, event.StatusPending, "", "30"))
	e.handle(e.conv("c_other", 1, other, event.StatusPending, "", "30"))
	e.wantBalance(vip, "USD", "pending=15")
	e.wantBalance(other, "USD", "pending=10")

	e.clock.advance(time.Hour)
	from := e.clock.Now()
	if _, err := e.m.commission.CreateTerms(e.ctx, e.tenant, commission.NewTerms{OfferID: "off_1", Model: "cpa",
		Params: cpa("99", "USD"), EffectiveFrom: &from}, commission.Actor{}); err != nil {
		t.Fatal(err)
	}
	e.handle(e.conv("c_other", 2, other, event.StatusApproved, event.StatusPending, "30"))
	e.wantBalance(other, "USD", "pending=0 hold=10")
	e.checkLedger()
}

func commissionTermsCPA(offer, amount string) commission.NewTerms {
	return commission.NewTerms{OfferID: offer, Model: "cpa", Params: cpa(amount, "USD")}
}

// TestMoney_TwoNodesOneEffect: two nodes (two sets of services on one
// database) handling the same conversion, approving the same payout and
// closing the same period at once produce each effect once.
func TestMoney_TwoNodesOneEffect(t *testing.T) {
	e := newMoneyEnv(t, 1)
	p := e.partners[0]
	e.terms(commission.NewTerms{OfferID: "off_1", Model: "cpa", Params: cpa("10", "USD")})
	nodes := []*money{e.m, e.node(nil)}
	race := func(fn func(n *money) error) (ok, conflicts int) {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() { errs <- fn(nodes[i%2]) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case core.KindOf(err) == core.KindConflict:
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		return ok, conflicts
	}
	ev := e.conv("cnv_1", 1, p, event.StatusApproved, "", "0")
	race(func(n *money) error { return n.commission.Handle(e.ctx, ev) })
	var txns, transitions int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM ledger_transactions WHERE tenant_id = $1),
		(SELECT count(*) FROM commission_transitions WHERE tenant_id = $1)`, e.tenant).Scan(&txns, &transitions); err != nil {
		t.Fatal(err)
	}
	if txns != 1 || transitions != 1 || len(e.bus.events()) != 1 {
		t.Fatalf("%d ledger transactions, %d transitions, %d events; want one each", txns, transitions, len(e.bus.events()))
	}
	e.wantBalance(p, "USD", "hold=10")

	e.clock.advance(8 * 24 * time.Hour)
	race(func(n *money) error { _, err := n.commission.ReleaseDue(e.ctx, 10); return err })
	e.wantBalance(p, "USD", "hold=0 available=10")

	e.setMethod(p, "USD")
	po, err := e.m.payouts.Request(e.ctx, e.tenant, payout.RequestInput{PartnerID: p}, e.fin())
	if err != nil {
		t.Fatal(err)
	}
	ok, conflicts := race(func(n *money) error { _, err := n.payouts.Approve(e.ctx, e.tenant, po.ID, e.fin()); return err })
	if ok != 1 || conflicts != 15 {
		t.Fatalf("approvals: %d succeeded, %d conflicts; want 1 and 15", ok, conflicts)
	}
	ok, _ = race(func(n *money) error { _, err := n.payouts.MarkPaid(e.ctx, e.tenant, po.ID, "ref", e.fin()); return err })
	if ok != 1 {
		t.Fatalf("%d payments of one payout", ok)
	}
	e.wantBalance(p, "USD", "available=0 in_payout=0 paid=10")

	e.clock.advance(31 * 24 * time.Hour)
	race(func(n *money) error { _, err := n.commission.CloseDue(e.ctx); return err })
	var closes int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM commission_period_closes WHERE tenant_id = $1`, e.tenant).Scan(&closes); err != nil || closes != 1 {
		t.Fatalf("%d partner closes (%v); want 1", closes, err)
	}
	e.checkLedger()
}

// TestMoney_OfferDefaultPayout: without terms, the offer's default payout
// (offers.payout, currency) is the CPA commission. The catalogue's offers
// table belongs to another area, so the test reads a fixture table with the
// columns the adapter relies on, in its own schema ahead on the search path.
func TestMoney_OfferDefaultPayout(t *testing.T) {
	ctx := context.Background()
	dsn := coretest.DatabaseURL(t)
	setup, err := postgres.Open(ctx, postgres.Config{URL: dsn, MaxConns: 2}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	if _, err := setup.Pool.Exec(ctx, `CREATE SCHEMA fixture_catalog;
		CREATE TABLE fixture_catalog.offers (id text, tenant_id text, payout numeric, currency text)`); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, postgres.Config{URL: withSearchPath(dsn, "fixture_catalog,public"), MaxConns: 10}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e := newMoneyEnvOn(t, db, 1)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO fixture_catalog.offers VALUES ('off_1', $1, 12.5, 'EUR')`, e.tenant); err != nil {
		t.Fatal(err)
	}
	e.handle(e.conv("cnv_1", 1, e.partners[0], event.StatusApproved, "", "80"))
	e.wantBalance(e.partners[0], "EUR", "hold=12.5")

	unknown := e.conv("cnv_2", 1, e.partners[0], event.StatusApproved, "", "80")
	unknown.OfferID = "off_gone"
	if err := e.m.commission.Handle(ctx, unknown); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("conversion of an unknown offer: %v; want a failure to retry, not a guess", err)
	}
	e.checkLedger()
}

// withSearchPath adds a search_path runtime parameter to a connection string
// (URL or keyword/value form).
func withSearchPath(conn, path string) string {
	if u, err := url.Parse(conn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", path)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return conn + " search_path=" + path
}
