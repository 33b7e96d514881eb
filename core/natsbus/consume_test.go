package natsbus_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/natsbus"
)

// TestConsume_AckRetryTerm: a handler's nil acknowledges, an error brings
// the message back, a permanent error drops it; shutdown returns.
func TestConsume_AckRetryTerm(t *testing.T) {
	ctx := context.Background()
	b := coretest.NATS(t)
	if err := b.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	done := make(chan struct{}, 8)
	h := func(_ context.Context, _ string, data []byte) error {
		mu.Lock()
		seen[string(data)]++
		n := seen[string(data)]
		mu.Unlock()
		defer func() { done <- struct{}{} }()
		switch {
		case string(data) == "flaky" && n == 1:
			return errors.New("database down")
		case string(data) == "poison":
			return natsbus.Permanent(errors.New("cannot decode"))
		}
		return nil
	}
	cctx, stop := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- b.Consume(cctx, natsbus.ConsumerConfig{Stream: event.EventsStream.Name, Durable: "test",
			Subjects: []string{event.AllTenants(event.ConversionChanged)}, AckWait: 5 * time.Second}, h)
	}()
	subj := event.Subject("ten_a", event.ConversionChanged)
	for _, m := range []string{"ok", "flaky", "poison"} {
		if err := b.Publish(ctx, subj, []byte(m), m); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 { // ok, flaky twice, poison
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("handler runs: %v", seen)
		}
	}
	time.Sleep(600 * time.Millisecond) // a wrongly redelivered message would show up here
	stop()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["ok"] != 1 || seen["flaky"] != 2 || seen["poison"] != 1 {
		t.Fatalf("deliveries = %v; want ok once, flaky twice, poison once", seen)
	}
}
