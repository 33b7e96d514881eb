package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
)

// BenchmarkMoney_HandleConversion books one approved conversion per op, as
// the ConversionChanged consumer does (partner lock, terms, history, the
// commission hook, ledger posting, state, transition record, publish).
func BenchmarkMoney_HandleConversion(b *testing.B) {
	e := newBenchEnv(b, 1)
	b.ResetTimer()
	for i := range b.N {
		if err := e.m.commission.Handle(e.ctx, e.conv(fmt.Sprintf("c%d", i), 1, e.partners[0], event.StatusApproved, "", "50")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMoney_HandleConversionParallel books conversions of 16 partners
// from parallel goroutines (several consumers, or several nodes).
func BenchmarkMoney_HandleConversionParallel(b *testing.B) {
	e := newBenchEnv(b, 16)
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			ev := e.conv(fmt.Sprintf("c%d", i), 1, e.partners[i%16], event.StatusApproved, "", "50")
			if err := e.m.commission.Handle(e.ctx, ev); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func newBenchEnv(b testing.TB, partners int) *moneyEnv {
	e := newMoneyEnv(b, partners)
	e.clock.advance(-2 * time.Hour)
	from := e.clock.Now().Add(time.Minute)
	if _, err := e.m.commission.CreateTerms(e.ctx, e.tenant, commission.NewTerms{OfferID: "off_1", Model: "revshare",
		Params: []byte(`{"percent":"25"}`), EffectiveFrom: &from}, commission.Actor{}); err != nil {
		b.Fatal(err)
	}
	e.clock.advance(2 * time.Hour)
	return e
}

// BenchmarkMoney_HandleConversionBusyPartner books for a partner that
// already has 2,000 approved conversions in the period: with revshare terms
// the cost must not grow with the period (the period history is read only
// for tiered terms).
func BenchmarkMoney_HandleConversionBusyPartner(b *testing.B) {
	e := newBenchEnv(b, 1)
	for i := range 2000 {
		if err := e.m.commission.Handle(e.ctx, e.conv(fmt.Sprintf("pre%d", i), 1, e.partners[0], event.StatusApproved, "", "50")); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if err := e.m.commission.Handle(e.ctx, e.conv(fmt.Sprintf("c%d", i), 1, e.partners[0], event.StatusApproved, "", "50")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMoney_Consumer is the commission consumer of one node booking
// 800 approved conversions of 16 partners from the bus, one at a time and
// with its workers (as serve runs it).
func BenchmarkMoney_Consumer(b *testing.B) {
	for _, workers := range []int{1, conversionConsumer().Workers} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				b.ReportMetric(consumerRate(b, workers), "conversions/s")
			}
		})
	}
}

func consumerRate(b *testing.B, workers int) float64 {
	const n = 800
	e := newBenchEnv(b, 16)
	bus := coretest.NATS(b)
	if err := bus.EnsureStreams(e.ctx, event.Streams()); err != nil {
		b.Fatal(err)
	}
	e.m = newMoney(e.db, bus, firstPartyModels{}, e.clock, nil, coretest.Logger())
	for i := range n {
		ev := e.conv(fmt.Sprintf("c%d", i), 1, e.partners[i%16], event.StatusApproved, "", "50")
		data, _ := json.Marshal(ev)
		if err := bus.Publish(e.ctx, event.Subject(e.tenant, event.ConversionChanged), data, ev.MsgID()); err != nil {
			b.Fatal(err)
		}
	}
	cfg := conversionConsumer()
	cfg.Workers = workers
	ctx, stop := context.WithCancel(e.ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() { _ = bus.Consume(ctx, cfg, e.m.handleConversion); close(done) }()
	defer func() { stop(); <-done }()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		var k int
		if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM commission_conversions WHERE tenant_id=$1`, e.tenant).Scan(&k); err != nil {
			b.Fatal(err)
		}
		if k == n {
			return n / time.Since(start).Seconds()
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d booked in a minute", k, n)
		}
	}
}
