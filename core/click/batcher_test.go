package click_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/natsbus"
)

// gatedBus holds every publish to the real bus until the test opens the
// gate, and counts the publishes.
type gatedBus struct {
	bus  *natsbus.Bus
	gate chan struct{}
	mu   sync.Mutex
	n    int
}

func (g *gatedBus) Publish(ctx context.Context, subject string, payload []byte, msgID string) error {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
	<-g.gate
	return g.bus.Publish(ctx, subject, payload, msgID)
}

func (g *gatedBus) publishes() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

func streamBus(t *testing.T) *natsbus.Bus {
	t.Helper()
	bus := coretest.NATS(t)
	if err := bus.EnsureStreams(context.Background(), event.Streams()); err != nil {
		t.Fatal(err)
	}
	return bus
}

func encoded(t *testing.T, i int) (string, []byte) {
	t.Helper()
	c := event.Click{ID: core.NewID("clk"), TenantID: "ten_a", At: time.Now().UTC().Truncate(time.Millisecond),
		CampaignID: "cmp_ok", Subs: [5]string{fmt.Sprint(i)}}
	b, err := c.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID, b
}

// streamClicks returns every click the stream holds and its message count.
func streamClicks(t *testing.T, bus *natsbus.Bus) (map[string]event.Click, int) {
	t.Helper()
	ctx := context.Background()
	s, err := bus.JS.Stream(ctx, event.ClicksStream.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]event.Click{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		clicks, bad, err := event.DecodeClicks(m.Data)
		if err != nil || bad > 0 {
			t.Fatalf("message %d: %d bad, %v", seq, bad, err)
		}
		for _, c := range clicks {
			if _, dup := out[c.ID]; dup {
				t.Fatalf("click %s stored twice", c.ID)
			}
			out[c.ID] = c
		}
	}
	return out, int(info.State.Msgs)
}

// While the only publish slot is busy, arriving clicks gather into one
// batch; nobody returns before the batch holding their click is stored.
func TestBatcher_GroupsWhileBusy(t *testing.T) {
	bus := streamBus(t)
	g := &gatedBus{bus: bus, gate: make(chan struct{})}
	b := click.NewBatcher(g, click.BatcherConfig{InFlight: 1, MaxClicks: 40})
	const n = 100
	ids := make([]string, n)
	returned := make(chan error, n)
	for i := range n {
		id, payload := encoded(t, i)
		ids[i] = id
		go func() { returned <- b.Record(context.Background(), id, payload) }()
	}
	// The first click took the slot alone; the other 99 wait in batches of
	// at most 40 (40, 40, 19) behind it.
	for deadline := time.Now().Add(5 * time.Second); g.publishes() < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no publish started")
		}
	}
	time.Sleep(200 * time.Millisecond) // the other 99 add their clicks meanwhile
	select {
	case err := <-returned:
		t.Fatalf("a click returned (%v) before any batch was stored", err)
	default:
	}
	close(g.gate)
	for range n {
		if err := <-returned; err != nil {
			t.Fatal(err)
		}
	}
	stored, msgs := streamClicks(t, bus)
	if len(stored) != n {
		t.Fatalf("%d clicks stored; want %d", len(stored), n)
	}
	for i, id := range ids {
		if c, ok := stored[id]; !ok || c.Subs[0] != fmt.Sprint(i) {
			t.Fatalf("click %d (%s) stored as %+v, %v", i, id, c, ok)
		}
	}
	if msgs > 10 || g.publishes() != msgs { // 4 when every click arrived in time; a slow machine may add a few
		t.Fatalf("%d messages (%d publishes) for %d clicks; want them grouped", msgs, g.publishes(), n)
	}
}

// Many concurrent clicks with the default settings: every Record that
// returns nil is in the stream exactly once.
func TestBatcher_Concurrent(t *testing.T) {
	bus := streamBus(t)
	b := click.NewBatcher(bus, click.BatcherConfig{})
	const n = 2000
	var wg sync.WaitGroup
	ids := make(chan string, n)
	for i := range n {
		id, payload := encoded(t, i)
		wg.Go(func() {
			if err := b.Record(context.Background(), id, payload); err != nil {
				t.Error(err)
				return
			}
			ids <- id
		})
	}
	wg.Wait()
	close(ids)
	stored, msgs := streamClicks(t, bus)
	for id := range ids {
		if _, ok := stored[id]; !ok {
			t.Fatalf("click %s acknowledged but not stored", id)
		}
	}
	if len(stored) != n {
		t.Fatalf("%d stored; want %d", len(stored), n)
	}
	t.Logf("%d clicks in %d messages", n, msgs)
}

// A publish that fails fails every click of its batch (no redirect without
// a durable click); the next clicks go through once the bus is back.
func TestBatcher_FailureReachesEveryCaller(t *testing.T) {
	bus := streamBus(t)
	b := click.NewBatcher(bus, click.BatcherConfig{Timeout: 500 * time.Millisecond})
	bus.Conn.Close()
	var wg sync.WaitGroup
	for i := range 10 {
		id, payload := encoded(t, i)
		wg.Go(func() {
			if err := b.Record(context.Background(), id, payload); err == nil {
				t.Error("recorded on a closed connection")
			}
		})
	}
	wg.Wait()
}

// A caller that gives up stops waiting; the batch is still published.
func TestBatcher_CallerCancels(t *testing.T) {
	bus := streamBus(t)
	g := &gatedBus{bus: bus, gate: make(chan struct{})}
	b := click.NewBatcher(g, click.BatcherConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	id, payload := encoded(t, 0)
	if err := b.Record(ctx, id, payload); err != context.DeadlineExceeded {
		t.Fatalf("err = %v; want the caller's deadline", err)
	}
	close(g.gate)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if stored, _ := streamClicks(t, bus); len(stored) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("abandoned click never stored")
		}
	}
}
