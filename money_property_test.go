package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/payout"
)

// TestMoneyProperty drives random sequences of conversions, status changes,
// duplicate and out-of-order deliveries, crashes (cancelled contexts,
// a bus that fails after the commit), holds, period closes, payout
// requests, approvals on two nodes at once, cancellations, rail failures,
// lost rail answers and retries, and manual confirmations; after every step
// and after draining it checks the ledger's invariants (see checkLedger and
// checkPayouts) and at the end that commissions are what the terms say.
// AFFCORE_PROPERTY_SEEDS and AFFCORE_PROPERTY_STEPS run it longer.
func TestMoneyProperty(t *testing.T) {
	seeds, steps := 4, 250
	if testing.Short() {
		seeds, steps = 2, 60
	}
	if v, err := strconv.Atoi(os.Getenv("AFFCORE_PROPERTY_SEEDS")); err == nil {
		seeds = v
	}
	if v, err := strconv.Atoi(os.Getenv("AFFCORE_PROPERTY_STEPS")); err == nil {
		steps = v
	}
	for seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			r := newPropRun(t, uint64(seed))
			for range steps {
				r.step()
				r.e.checkLedger()
				r.checkPayouts()
			}
			r.drain()
			r.e.checkLedger()
			r.checkPayouts()
			r.checkOutcome()
			r.summary()
		})
	}
}

// propConv is a conversion as tracking sees it.
type propConv struct {
	id, partner, offer string
	last               event.Conversion
	startedClean       bool // neither test nor fraud when created
}

type propRun struct {
	t       *testing.T
	e       *moneyEnv
	rnd     *rand.Rand
	nodes   []*money
	x       *fakeExchange
	convs   []*propConv
	queue   []event.Conversion // published, not yet handled (or handled and delivered again)
	payouts []string
	events  map[string]bool // transitions published by tracking
}

func newPropRun(t *testing.T, seed uint64) *propRun {
	e := newMoneyEnv(t, 3)
	r := &propRun{t: t, e: e, rnd: rand.New(rand.NewPCG(seed, 42)), x: newFakeExchange(seed), events: map[string]bool{}}
	r.nodes = []*money{e.node([]payout.Rail{r.x.rail()}), e.node([]payout.Rail{r.x.rail()})}
	e.m = r.nodes[0]
	p0, p1, p2 := e.partners[0], e.partners[1], e.partners[2]
	e.terms(commission.NewTerms{OfferID: "off_cpa", Model: "cpa", Params: cpa("10", "USD")})
	e.terms(commission.NewTerms{OfferID: "off_rev", Model: "revshare", Params: json.RawMessage(`{"percent":"30","basis":"net_revenue"}`)})
	e.terms(commission.NewTerms{OfferID: "off_hyb", Model: "hybrid", Params: json.RawMessage(`{"cpa":{"amount":"2","currency":"EUR"},"revshare":{"percent":"10"}}`)})
	e.terms(commission.NewTerms{OfferID: "off_tier", Model: "tiered", Params: json.RawMessage(`{"basis":"count","currency":"USD","tiers":[{"from":"0","amount":"5"},{"from":"3","amount":"8"}]}`)})
	e.terms(commission.NewTerms{PartnerID: p2, Model: "cpa", Params: json.RawMessage(`{"amount":"3","currency":"USD","bonuses":[{"min_count":2,"amount":"5","currency":"USD"}]}`)})
	if _, err := e.m.payouts.SetPartnerSettings(e.ctx, e.tenant, payout.PartnerSettings{PartnerID: p0, NegativeCarryover: true}, e.fin()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.payouts.SetSettings(e.ctx, e.tenant, payout.Settings{HoldDays: 1, MinPayout: dec("1"), MinPayoutCurrency: "USD",
		Schedule: payout.ScheduleManual, Rail: "fakex"}, e.fin()); err != nil {
		t.Fatal(err)
	}
	e.setMethod(p0, "USD")
	e.setMethod(p1, "USD")
	e.setMethod(p2, "USDT")
	r.setRates()
	return r
}

func (r *propRun) node() *money { return r.nodes[r.rnd.IntN(len(r.nodes))] }

// crashCtx is, one time in five, a context cancelled after a few hundred
// microseconds: the step may die anywhere, as a node that crashes.
func (r *propRun) crashCtx() (context.Context, bool, func()) {
	if r.rnd.IntN(5) != 0 {
		return r.e.ctx, false, func() {}
	}
	ctx, cancel := context.WithTimeout(r.e.ctx, time.Duration(r.rnd.IntN(3000))*time.Microsecond)
	return ctx, true, cancel
}

// expect fails the test on an error that neither a crash nor the step's
// normal refusals (kinds) explain.
func (r *propRun) expect(what string, err error, crashed bool, kinds ...core.Kind) {
	r.t.Helper()
	if err == nil || crashed || slices.Contains(kinds, core.KindOf(err)) {
		return
	}
	r.t.Fatalf("%s: %v", what, err)
}

func (r *propRun) setRates() {
	day := r.e.clock.Now()
	for _, rt := range []ledger.Rate{{Day: day, Base: "USD", Quote: "USDT", Rate: "1.001"}, {Day: day, Base: "EUR", Quote: "USD", Rate: "1.08"}} {
		if _, err := r.e.m.ledger.SetRate(r.e.ctx, r.e.tenant, rt); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *propRun) step() {
	switch n := r.rnd.IntN(100); {
	case n < 12:
		r.newConversion()
	case n < 20:
		r.changeStatus()
	case n < 44:
		r.deliver()
	case n < 52:
		r.e.clock.advance(time.Duration(1+r.rnd.IntN(72)) * time.Hour)
		r.setRates()
	case n < 60:
		ctx, crashed, cancel := r.crashCtx()
		_, err := r.node().commission.ReleaseDue(ctx, 100)
		cancel()
		r.expect("release", err, crashed)
	case n < 62:
		ctx, crashed, cancel := r.crashCtx()
		_, err := r.node().commission.CloseDue(ctx)
		cancel()
		r.expect("close periods", err, crashed)
	case n < 74:
		r.requestPayout()
	case n < 83:
		r.approvePayout()
	case n < 86:
		r.cancelPayout()
	case n < 93:
		ctx, crashed, cancel := r.crashCtx()
		_, err := r.node().payouts.SendDue(ctx, 50)
		cancel()
		r.expect("send payouts", err, crashed)
	case n < 97:
		r.confirmManual()
	case n < 99:
		r.toggleRail()
	default:
		r.adjust()
	}
}

func (r *propRun) publish(c *propConv, ev event.Conversion) {
	c.last = ev
	r.queue = append(r.queue, ev)
	r.events[ev.MsgID()] = true
}

func (r *propRun) newConversion() {
	e := r.e
	c := &propConv{id: fmt.Sprintf("cnv_%d", len(r.convs)), offer: []string{"off_cpa", "off_rev", "off_hyb", "off_tier"}[r.rnd.IntN(4)]}
	if r.rnd.IntN(20) != 0 {
		c.partner = e.partners[r.rnd.IntN(len(e.partners))]
	}
	ev := e.conv(c.id, 1, c.partner, []string{"pending", "approved", "approved", "hold"}[r.rnd.IntN(4)], "", r.revenue(c.offer))
	ev.OfferID = c.offer
	ev.Test, ev.Fraud = r.rnd.IntN(20) == 0, r.rnd.IntN(20) == 0
	c.startedClean = !ev.Test && !ev.Fraud
	r.convs = append(r.convs, c)
	r.publish(c, ev)
}

func (r *propRun) revenue(offer string) string {
	cents := r.rnd.IntN(20000)
	if offer == "off_rev" {
		cents -= 6000
	}
	return core.DecimalFromUnits(int64(cents) * 1_000_000).String()
}

func (r *propRun) changeStatus() {
	if len(r.convs) == 0 {
		return
	}
	c := r.convs[r.rnd.IntN(len(r.convs))]
	ev := c.last
	ev.Seq, ev.PrevStatus = ev.Seq+1, ev.Status
	ev.Status = []string{"approved", "approved", "rejected", "pending", "hold"}[r.rnd.IntN(5)]
	if r.rnd.IntN(5) == 0 {
		ev.Revenue = core.MustParseDecimal(r.revenue(c.offer))
	}
	if r.rnd.IntN(30) == 0 {
		ev.Fraud = true
	}
	r.publish(c, ev)
}

// deliver hands a queued transition to a node — sometimes to both at once,
// sometimes with a crash or a bus outage — and keeps it queued for a
// duplicate delivery or a retry.
func (r *propRun) deliver() {
	if len(r.queue) == 0 {
		return
	}
	i := r.rnd.IntN(len(r.queue))
	if r.rnd.IntN(3) != 0 {
		i = 0 // mostly in order, as the stream delivers
	}
	ev := r.queue[i]
	if r.rnd.IntN(10) == 0 {
		r.e.bus.mu.Lock()
		r.e.bus.fail = 1
		r.e.bus.mu.Unlock()
	}
	var errs []error
	if r.rnd.IntN(6) == 0 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, n := range r.nodes {
			wg.Go(func() {
				err := n.commission.Handle(r.e.ctx, ev)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			})
		}
		wg.Wait()
	} else {
		ctx, _, cancel := r.crashCtx()
		errs = append(errs, r.node().commission.Handle(ctx, ev))
		cancel()
	}
	for _, err := range errs {
		if core.KindOf(err) == core.KindInvalid {
			r.t.Fatalf("handle %s: %v", ev.MsgID(), err)
		}
	}
	if !slices.Contains(errs, nil) || r.rnd.IntN(10) == 0 {
		return // failed (the bus redelivers it) or delivered again later
	}
	r.queue = slices.Delete(r.queue, i, i+1)
}

func (r *propRun) requestPayout() {
	e := r.e
	p := e.partners[r.rnd.IntN(len(e.partners))]
	for _, q := range e.partners { // mostly ask for money that is there
		if e.balance(q, "USD").Available.Sign() > 0 && r.rnd.IntN(4) != 0 {
			p = q
		}
	}
	in := payout.RequestInput{PartnerID: p}
	if r.rnd.IntN(4) == 0 {
		in.Currency = "EUR"
	}
	if r.rnd.IntN(2) == 0 {
		b := e.balance(p, "USD")
		amt := core.DecimalFromUnits(b.Available.Units() * int64(1+r.rnd.IntN(12)) / 10) // up to 120%: sometimes too much
		in.Amount = &amt
	}
	ctx, crashed, cancel := r.crashCtx()
	po, err := r.node().payouts.Request(ctx, e.tenant, in, payout.Actor{Kind: "partner", ID: p})
	cancel()
	r.expect("request payout", err, crashed, core.KindInvalid, core.KindConflict)
	if err == nil {
		r.payouts = append(r.payouts, po.ID)
	}
}

// approvePayout approves a payout, sometimes on both nodes at once: at most
// one approval may succeed.
func (r *propRun) approvePayout() {
	if len(r.payouts) == 0 {
		return
	}
	id := r.payouts[r.rnd.IntN(len(r.payouts))]
	if r.rnd.IntN(3) != 0 {
		ctx, crashed, cancel := r.crashCtx()
		_, err := r.node().payouts.Approve(ctx, r.e.tenant, id, r.e.fin())
		cancel()
		r.expect("approve", err, crashed, core.KindConflict)
		return
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(r.nodes))
	for _, n := range r.nodes {
		wg.Go(func() {
			_, err := n.payouts.Approve(r.e.ctx, r.e.tenant, id, r.e.fin())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		r.expect("concurrent approve", err, false, core.KindConflict)
		if err == nil {
			ok++
		}
	}
	if ok > 1 {
		r.t.Fatalf("payout %s approved %d times", id, ok)
	}
}

func (r *propRun) cancelPayout() {
	if len(r.payouts) == 0 {
		return
	}
	id := r.payouts[r.rnd.IntN(len(r.payouts))]
	ctx, crashed, cancel := r.crashCtx()
	_, err := r.node().payouts.Cancel(ctx, r.e.tenant, id, "", r.e.fin())
	cancel()
	r.expect("cancel", err, crashed, core.KindConflict)
}

// confirmManual marks a manual-rail payout paid or failed.
func (r *propRun) confirmManual() {
	ps, err := r.e.m.payouts.List(r.e.ctx, r.e.tenant, payout.Filter{Status: payout.StatusSending, Limit: 50})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, p := range ps {
		if p.Rail != payout.ManualRailName {
			continue
		}
		if r.rnd.IntN(4) == 0 {
			_, err = r.node().payouts.MarkFailed(r.e.ctx, r.e.tenant, p.ID, "bank returned it", r.e.fin())
		} else {
			_, err = r.node().payouts.MarkPaid(r.e.ctx, r.e.tenant, p.ID, "ref-"+p.ID, r.e.fin())
		}
		r.expect("confirm", err, false, core.KindConflict)
		return
	}
}

func (r *propRun) toggleRail() {
	st, err := r.e.m.payouts.Settings(r.e.ctx, r.e.tenant)
	if err != nil {
		r.t.Fatal(err)
	}
	st.Rail = "fakex"
	if r.rnd.IntN(3) == 0 {
		st.Rail = payout.ManualRailName
	}
	if _, err := r.e.m.payouts.SetSettings(r.e.ctx, r.e.tenant, st, r.e.fin()); err != nil {
		r.t.Fatal(err)
	}
}

func (r *propRun) adjust() {
	e := r.e
	a := ledger.Adjustment{PartnerID: e.partners[r.rnd.IntN(len(e.partners))], Kind: ledger.KindBonus,
		Amount: core.DecimalFromInt(int64(1 + r.rnd.IntN(20))), Currency: "USD", Memo: "property"}
	if r.rnd.IntN(2) == 0 {
		a.Kind, a.Amount = ledger.KindAdjustment, a.Amount.Neg()
	}
	_, err := r.node().ledger.Adjust(e.ctx, e.tenant, a, ledger.Actor{Kind: "user", ID: e.finance})
	r.expect("adjust", err, false)
}
