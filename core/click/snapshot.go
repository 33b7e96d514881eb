package click

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/affcore/affcore/core"
)

// Routes holds the current snapshot and reloads it: on Invalidate (a
// catalogue change announced on the bus, coalesced) and every interval (so
// cap counters and missed announcements catch up).
type Routes struct {
	load     SnapshotLoader
	clock    core.Clock
	log      *slog.Logger
	interval time.Duration
	current  atomic.Pointer[Snapshot]
	dirty    chan struct{}
}

// NewRoutes returns a snapshot holder that refreshes every interval.
func NewRoutes(load SnapshotLoader, clock core.Clock, interval time.Duration, log *slog.Logger) *Routes {
	r := &Routes{load: load, clock: clock, log: log, interval: interval, dirty: make(chan struct{}, 1)}
	r.current.Store(&Snapshot{Routes: map[string]*Route{}})
	return r
}

// Get returns the campaign's route, or nil.
func (r *Routes) Get(campaignID string) *Route {
	return r.current.Load().Routes[campaignID]
}

// Snapshot returns the current snapshot.
func (r *Routes) Snapshot() *Snapshot { return r.current.Load() }

// Reload loads a fresh snapshot now.
func (r *Routes) Reload(ctx context.Context) error {
	s, err := r.load.LoadSnapshot(ctx, r.clock.Now())
	if err != nil {
		return err
	}
	r.current.Store(s)
	return nil
}

// Invalidate asks for a reload soon. Many calls in a burst cause one reload.
func (r *Routes) Invalidate() {
	select {
	case r.dirty <- struct{}{}:
	default:
	}
}

// Run reloads until ctx is done. It loads once before returning from the
// first iteration so callers can Reload first to fail fast at start.
func (r *Routes) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.dirty:
		}
		if err := r.Reload(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("reload click snapshot", "err", err)
		}
	}
}
