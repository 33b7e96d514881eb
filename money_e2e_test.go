package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/ledger"
)

// TestMoneyE2E_ApproveHoldRequestApprovePay is the money path as users
// drive it, over HTTP with PostgreSQL and NATS JetStream: the advertiser
// sets terms and payout rules; tracking publishes a conversion, pending then
// approved; the hold passes; the partner requests a payout to a USDT
// address; finance approves it and marks it paid; balances move at every
// step, the ledger reconciles with the commission figures, and the
// partner's postbacks receive CommissionDecided.
func TestMoneyE2E_ApproveHoldRequestApprovePay(t *testing.T) {
	ctx := context.Background()
	e := newMoneyEnv(t, 1)
	bus := coretest.NATS(t)
	if err := bus.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	e.m = newMoney(e.db, bus, firstPartyModels{}, e.clock, nil, coretest.Logger()) // publishes on the real bus
	srv := e.server(e.principals())
	partner := e.partners[0]

	cctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = bus.Consume(cctx, conversionConsumer(), e.m.handleConversion) })
	defer func() { stop(); wg.Wait() }()

	// The advertiser: $25 per sale on off_1, a 3-day hold, $20 minimum; USD→USDT at 1.
	e.clock.advance(-time.Hour)
	call{method: "POST", url: "/api/v1/commission-terms", token: "owner", want: 201,
		body: `{"offer_id":"off_1","model":"cpa","params":{"amount":"25","currency":"USD"}}`}.do(t, srv)
	e.clock.advance(time.Hour)
	call{method: "PUT", url: "/api/v1/payout-settings", token: "finance", want: 200, contains: []string{`"hold_days":3`},
		body: `{"hold_days":3,"min_payout":"20","min_payout_currency":"USD"}`}.do(t, srv)
	call{method: "POST", url: "/api/v1/fx-rates", token: "finance", want: 201,
		body: `{"day":"2025-03-10","base":"USD","quote":"USDT","rate":"1.0"}`}.do(t, srv)
	call{method: "PUT", url: "/api/v1/me/payout-method", token: "partner0", want: 200,
		body: `{"kind":"crypto","currency":"USDT","network":"TRC20","address":"TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"}`}.do(t, srv)

	// Tracking publishes the conversion: pending, then approved.
	for _, ev := range []event.Conversion{
		e.conv("cnv_e2e", 1, partner, event.StatusPending, "", "100"),
		e.conv("cnv_e2e", 2, partner, event.StatusApproved, event.StatusPending, "100"),
	} {
		data, _ := json.Marshal(ev)
		if err := bus.Publish(ctx, event.Subject(e.tenant, event.ConversionChanged), data, ev.MsgID()); err != nil {
			t.Fatal(err)
		}
	}
	waitBalance(t, srv, "partner0", "USD", func(b ledger.PartnerBalance) bool { return b.Hold == dec("25") })
	call{method: "POST", url: "/api/v1/me/payouts", token: "partner0", body: `{}`, want: 400,
		contains: []string{"nothing is available to pay out yet"}}.do(t, srv)

	// The hold passes; the scheduler releases the commission.
	e.clock.advance(3*24*time.Hour + time.Minute)
	e.m.tick(ctx)
	b := balanceOf(t, srv, "partner0", "USD")
	if b.Available != dec("25") || !b.Hold.IsZero() {
		t.Fatalf("after the hold: %+v", b)
	}

	// The partner asks for its money; finance approves and pays it.
	var po struct {
		ID, Status, Amount, Currency string
		AwaitingConfirmation         bool `json:"awaiting_confirmation"`
	}
	decodeInto(t, call{method: "POST", url: "/api/v1/me/payouts", token: "partner0", body: `{}`, want: 201}.do(t, srv), &po)
	if po.Status != "requested" || po.Amount != "25.00" || po.Currency != "USDT" {
		t.Fatalf("payout request: %+v", po)
	}
	if b := balanceOf(t, srv, "partner0", "USDT"); b.InPayout != dec("25") {
		t.Fatalf("in payout: %+v", b)
	}
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/approve", token: "partner0", want: 403}.do(t, srv)
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/approve", token: "analyst", want: 403}.do(t, srv)
	decodeInto(t, call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/approve", token: "finance", want: 200}.do(t, srv), &po)
	if po.Status != "sending" || !po.AwaitingConfirmation {
		t.Fatalf("approved payout: %+v", po)
	}
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/mark-paid", token: "finance", body: `{"reference":"TRX 7f3a…"}`,
		want: 200, contains: []string{`"status":"paid"`}}.do(t, srv)

	usd, usdt := balanceOf(t, srv, "partner0", "USD"), balanceOf(t, srv, "partner0", "USDT")
	if !usd.Available.IsZero() || !usd.Hold.IsZero() || usdt.Paid != dec("25") || !usdt.InPayout.IsZero() {
		t.Fatalf("after payment: USD %+v, USDT %+v", usd, usdt)
	}
	hist := string(call{method: "GET", url: "/api/v1/me/payouts/" + po.ID, token: "partner0", want: 200}.do(t, srv))
	for _, s := range []string{`"status":"requested"`, `"status":"approved"`, `"status":"sending"`, `"status":"paid"`, "TRX 7f3a"} {
		if !strings.Contains(hist, s) {
			t.Fatalf("payout history lacks %s: %s", s, hist)
		}
	}
	call{method: "GET", url: "/api/v1/ledger/reconciliation", token: "finance", want: 200,
		contains: []string{`"mismatches":[]`, `"commission":"25.00","ledger":"25.00"`}}.do(t, srv)
	call{method: "GET", url: "/api/v1/ledger?payout_id=" + po.ID, token: "partner0", want: 200,
		contains: []string{`"kind":"payout_paid"`, `"kind":"payout_reserve"`}}.do(t, srv)
	e.checkLedger()
	wantCommissionEvents(t, bus.JS, e.tenant, 2)
}

func dec(s string) core.Decimal { return core.MustParseDecimal(s) }

func balanceOf(t *testing.T, srv *httptest.Server, token string, cur core.Currency) ledger.PartnerBalance {
	t.Helper()
	var out struct{ Items []ledger.PartnerBalance }
	decodeInto(t, call{method: "GET", url: "/api/v1/me/balances?currency=" + string(cur), token: token, want: 200}.do(t, srv), &out)
	if len(out.Items) == 0 {
		return ledger.PartnerBalance{Currency: cur}
	}
	return out.Items[0]
}

// waitBalance polls the partner's balance until ok (the bus consumer works
// asynchronously).
func waitBalance(t *testing.T, srv *httptest.Server, token string, cur core.Currency, ok func(ledger.PartnerBalance) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		b := balanceOf(t, srv, token, cur)
		if ok(b) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("balance never reached the expected state: %+v", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wantCommissionEvents reads the CommissionDecided events of tenant from the
// stream and checks there are n, one per transition.
func wantCommissionEvents(t *testing.T, js jetstream.JetStream, tenant core.TenantID, n int) {
	t.Helper()
	ctx := context.Background()
	cons, err := js.OrderedConsumer(ctx, event.EventsStream.Name, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{event.Subject(tenant, event.CommissionDecided)}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			break
		}
		var c event.Commission
		if err := json.Unmarshal(msg.Data(), &c); err != nil || c.Currency != "USD" || c.Commission != dec("25") {
			t.Fatalf("commission event %s: %v", msg.Data(), err)
		}
		seen[c.MsgID()] = true
	}
	if len(seen) != n {
		t.Fatalf("%d commission events; want %d", len(seen), n)
	}
}
