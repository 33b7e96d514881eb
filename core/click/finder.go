package click

import (
	"context"
	"fmt"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Reader reads one stored click of a tenant; a missing click is KindNotFound.
type Reader interface {
	Click(ctx context.Context, tenant core.TenantID, id string) (Click, error)
}

// Finder finds a click wherever it is: in PostgreSQL once ingested, else in
// the click stream, where it waits from the redirect until ingest. A
// conversion can therefore be attributed 1 ms after the redirect.
//
// The order matters: ingest commits a batch and only then acknowledges it,
// which removes it from the stream. Checking PostgreSQL, then the stream,
// then PostgreSQL again cannot miss a click that moves in between.
type Finder struct {
	store  Reader
	stream event.LastGetter
}

// NewFinder returns a Finder.
func NewFinder(store Reader, stream event.LastGetter) *Finder {
	return &Finder{store: store, stream: stream}
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
	data, found, err := f.stream.LastMsg(ctx, event.ClicksStream.Name, event.ClickSubject(tenant, id))
	if err != nil {
		return Click{}, fmt.Errorf("find click in stream: %w", err)
	}
	if found {
		if c, err = event.DecodeClick(data); err != nil {
			return Click{}, fmt.Errorf("decode click %s: %w", id, err)
		}
		return c, nil
	}
	return f.store.Click(ctx, tenant, id)
}
