package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/payout"
)

// fakeExchange is the outside world of a payout rail, with the protocol of
// an exchange that takes a client idempotency key (Bybit requestId, Coinbase
// idem): the first send of a key may be refused, accepted (money leaves,
// once) or lost in a crash after it was accepted; a later send of the same
// key reports that first outcome, and settles an accepted transfer. It
// counts every transfer it makes, so tests can prove none happens twice.
type fakeExchange struct {
	mu        sync.Mutex
	rnd       *rand.Rand
	outcome   map[string]payout.RailStatus // by idempotency key
	amount    map[string]core.Money
	transfers map[string]int // money that left, by key
	keys      map[string]map[string]bool
}

func newFakeExchange(seed uint64) *fakeExchange {
	return &fakeExchange{rnd: rand.New(rand.NewPCG(seed, 7)), outcome: map[string]payout.RailStatus{},
		amount: map[string]core.Money{}, transfers: map[string]int{}, keys: map[string]map[string]bool{}}
}

var errExchangeDown = errors.New("exchange: 503 service unavailable")

// rail returns a payout rail on this exchange (each node has its own).
func (x *fakeExchange) rail() payout.Rail { return exchangeRail{x} }

type exchangeRail struct{ x *fakeExchange }

func (exchangeRail) Name() string { return "fakex" }

func (r exchangeRail) Send(ctx context.Context, _ core.TenantID, req payout.SendRequest) (payout.SendResult, error) {
	if err := ctx.Err(); err != nil {
		return payout.SendResult{}, err
	}
	x := r.x
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.keys[req.PayoutID] == nil {
		x.keys[req.PayoutID] = map[string]bool{}
	}
	x.keys[req.PayoutID][req.IdempotencyKey] = true
	if st, ok := x.outcome[req.IdempotencyKey]; ok {
		if st == payout.RailPending && x.rnd.IntN(2) == 0 {
			st = payout.RailPaid
			x.outcome[req.IdempotencyKey] = st
		}
		return payout.SendResult{Status: st, TxID: "x-" + req.IdempotencyKey, Reference: "chain-" + req.IdempotencyKey, Reason: "refused"}, nil
	}
	switch n := x.rnd.IntN(10); {
	case n == 0:
		return payout.SendResult{}, errExchangeDown // nothing happened
	case n == 1:
		x.outcome[req.IdempotencyKey] = payout.RailFailed
		return payout.SendResult{Status: payout.RailFailed, Reason: "address not whitelisted"}, nil
	}
	x.transfers[req.IdempotencyKey]++
	x.amount[req.IdempotencyKey] = req.Amount
	x.outcome[req.IdempotencyKey] = payout.RailPending
	if x.rnd.IntN(5) == 0 {
		return payout.SendResult{}, errors.New("exchange: connection reset after the request was sent") // accepted, answer lost
	}
	return payout.SendResult{Status: payout.RailPending, TxID: "x-" + req.IdempotencyKey}, nil
}
