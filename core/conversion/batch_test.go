package conversion

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// TestBatcher_Groups checks the group commit: while the batches in flight
// are being written, later postbacks queue and go together in the next
// batch; every postback gets its own answer exactly once.
func TestBatcher_Groups(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	var running, most atomic.Int32
	b := &batcher{run: func(_ context.Context, batch []*pending) {
		defer running.Add(-1)
		mu.Lock()
		most.Store(max(most.Load(), running.Add(1)))
		sizes = append(sizes, len(batch))
		first := len(sizes) <= maxInFlight
		mu.Unlock()
		if first {
			<-release // hold the first batches until the rest queued
		}
		for _, p := range batch {
			p.done <- batched{ok: true, applied: Applied{Result: p.entry.ID}}
		}
	}}
	const n = 50
	var wg sync.WaitGroup
	answers := make([]string, n)
	for i := range n {
		wg.Go(func() {
			p := &pending{entry: LogEntry{ID: string(rune('A' + i))}, done: make(chan batched, 1)}
			if r := b.do(context.Background(), p); r.ok {
				answers[i] = r.applied.Result
			}
		})
		if i < maxInFlight {
			waitFor(t, func() bool { return running.Load() == int32(i+1) })
		}
	}
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == n-maxInFlight })
	close(release)
	wg.Wait()
	for i, a := range answers {
		if a != string(rune('A'+i)) {
			t.Fatalf("postback %d answered %q", i, a)
		}
	}
	if len(sizes) != maxInFlight+1 || sizes[maxInFlight] != n-maxInFlight || most.Load() > maxInFlight {
		t.Fatalf("batch sizes %v, at most %d at once; want %d batches of 1, then one of %d", sizes, most.Load(), maxInFlight, n-maxInFlight)
	}
	// The last batch's runner frees its slot just after answering.
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.inFlight == 0 && len(b.queue) == 0 })
}

// TestBatcher_LeaderNotHeldUp checks that the postback whose request runs
// a batch returns once its own batch is written, while the batches queued
// behind it continue elsewhere.
func TestBatcher_LeaderNotHeldUp(t *testing.T) {
	hold, second := make(chan struct{}), make(chan struct{})
	b := &batcher{run: func(_ context.Context, batch []*pending) {
		switch batch[0].entry.ID {
		case "leader":
			<-hold // the others queue while the leader's batch is written
		case "late":
			<-second
		}
		for _, p := range batch {
			p.done <- batched{ok: true}
		}
	}}
	b.inFlight = maxInFlight - 1 // the other slots are busy elsewhere
	leader := make(chan batched)
	go func() {
		leader <- b.do(context.Background(), &pending{entry: LogEntry{ID: "leader"}, done: make(chan batched, 1)})
	}()
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.inFlight == maxInFlight && len(b.queue) == 0 })
	late := make(chan batched)
	go func() {
		late <- b.do(context.Background(), &pending{entry: LogEntry{ID: "late"}, done: make(chan batched, 1)})
	}()
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.queue) == 1 })
	close(hold)
	select {
	case r := <-leader:
		if !r.ok {
			t.Fatal("leader not answered")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the leader waited for the batch queued behind it")
	}
	close(second)
	if r := <-late; !r.ok {
		t.Fatal("late postback not answered")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
	}
}

// panicStore is a store with a bug: finding clicks panics.
type panicStore struct{ Store }

func (panicStore) Attribution(context.Context, []ClickRef) ([]event.Click, error) { panic("bug") }

// TestCreateBatch_PanicAnswers checks that a batch that panics still
// answers each of its postbacks (single path) and the process lives on.
func TestCreateBatch_PanicAnswers(t *testing.T) {
	s := NewService(panicStore{}, nil, nil, nil, core.SystemClock{}, slog.New(slog.DiscardHandler))
	batch := []*pending{{done: make(chan batched, 1)}, {done: make(chan batched, 1)}}
	s.createBatch(context.Background(), batch)
	for i, p := range batch {
		if r := <-p.done; r.ok {
			t.Fatalf("postback %d answered as created", i)
		}
	}
}
