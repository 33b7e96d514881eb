package click

import (
	"context"
	"errors"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Reader reads one stored click of a tenant; a missing click is KindNotFound.
type Reader interface {
	Click(ctx context.Context, tenant core.TenantID, id string) (Click, error)
}

// Finder finds a click for a postback, also one that arrives before ingest
// has written the click to PostgreSQL (even 1 ms after the redirect).
//
// Clicks travel in batches, so the stream cannot be searched by click id.
// Instead, a click missing from PostgreSQL waits for ingest to catch up
// with the stream as it stood then: a click redirected before the postback
// was sent is in that stream, and ingest acknowledges (removes) a batch
// only after its transaction committed. Then PostgreSQL is asked again.
type Finder struct {
	store  Reader
	stream event.Drainer
	wait   time.Duration
}

// NewFinder returns a Finder that waits at most wait for ingest (default
// 5s); past it, the postback is answered "unavailable" so that the sender
// retries, rather than "unknown click".
func NewFinder(store Reader, stream event.Drainer, wait time.Duration) *Finder {
	if wait <= 0 {
		wait = 5 * time.Second
	}
	return &Finder{store: store, stream: stream, wait: wait}
}

// Click returns the click, or KindNotFound.
func (f *Finder) Click(ctx context.Context, tenant core.TenantID, id string) (Click, error) {
	if _, ok := core.IDTime(id); !ok || len(id) > 64 {
		return Click{}, core.Errorf(core.KindNotFound, "click not found")
	}
	c, err := f.store.Click(ctx, tenant, id)
	if core.KindOf(err) != core.KindNotFound {
		return c, err
	}
	wctx, cancel := context.WithTimeout(ctx, f.wait)
	err = f.stream.WaitDrained(wctx, event.ClicksStream.Name)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return Click{}, core.Errorf(core.KindUnavailable, "click %s is not recorded yet; retry later", id)
	}
	if err != nil {
		return Click{}, core.Wrap(core.KindUnavailable, err, "find click")
	}
	return f.store.Click(ctx, tenant, id)
}
