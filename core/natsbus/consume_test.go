package natsbus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// TestConsume_WorkersKeepOrderPerKey: with Workers, messages of different
// keys are handled at once, messages of one key one after another in
// stream order, each exactly once; shutdown waits for running handlers.
func TestConsume_WorkersKeepOrderPerKey(t *testing.T) {
	ctx := context.Background()
	b := coretest.NATS(t)
	if err := b.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	const keys, perKey = 8, 6
	var mu sync.Mutex
	running, peak := map[string]int{}, 0
	seen := map[string][]string{}
	total := 0
	h := func(_ context.Context, _ string, data []byte) error {
		key := string(data[:2])
		mu.Lock()
		running[key]++
		if running[key] > 1 {
			t.Errorf("key %s handled twice at once", key)
		}
		n := 0
		for _, r := range running {
			n += r
		}
		peak = max(peak, n)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // a database round trip
		mu.Lock()
		running[key]--
		seen[key] = append(seen[key], string(data))
		total++
		mu.Unlock()
		return nil
	}
	subj := event.Subject("ten_a", event.ConversionChanged)
	for i := range perKey {
		for k := range keys {
			data := fmt.Sprintf("k%d.%d", k, i)
			if err := b.Publish(ctx, subj, []byte(data), data); err != nil {
				t.Fatal(err)
			}
		}
	}
	cctx, stop := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- b.Consume(cctx, natsbus.ConsumerConfig{Stream: event.EventsStream.Name, Durable: "workers",
			Subjects: []string{event.AllTenants(event.ConversionChanged)}, Workers: 4,
			OrderKey: func(id string) string { return id[:strings.LastIndexByte(id, '.')] }}, h)
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		done := total
		mu.Unlock()
		if done == keys*perKey {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d handled", done, keys*perKey)
		}
	}
	stop()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if peak < 2 {
		t.Fatalf("at most %d handler at once; want the workers in parallel", peak)
	}
	for k := range keys {
		key := fmt.Sprintf("k%d", k)
		for i, got := range seen[key] {
			if want := fmt.Sprintf("%s.%d", key, i); got != want {
				t.Fatalf("key %s handled %v; want in stream order, once each", key, seen[key])
			}
		}
		if len(seen[key]) != perKey {
			t.Fatalf("key %s handled %d times; want %d", key, len(seen[key]), perKey)
		}
	}
}
