package conversion

import (
	"context"
	"sync"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Batching (group commit). Each postback that creates a conversion costs
// PostgreSQL a click lookup, a statement and a commit with its WAL flush;
// under load those per-statement costs, not the rows, use up the database.
// So postbacks that arrive while earlier ones are being written wait
// together and are written together: one click lookup and one statement
// (one commit) per batch. A lone postback is a batch of one and waits for
// nobody. Whatever the batch could not create (click not yet ingested, key
// already known, any error) takes the single path, which decides updates
// and duplicates exactly as before.

const (
	// maxBatch bounds the postbacks of one statement.
	maxBatch = 256
	// maxInFlight is how many batches may be written at once: while one
	// waits for its commit, the next is being built.
	maxInFlight = 2
)

// pending is one postback waiting in a batch.
type pending struct {
	tenant core.TenantID
	pb     Postback
	ref    ClickRef
	entry  LogEntry
	done   chan batched // buffered: the batch never blocks on a reader
}

// batched is what the batch did with one postback; ok is false when the
// postback must take the single path.
type batched struct {
	applied Applied
	ok      bool
}

// batcher groups concurrent postbacks into batches. It has no goroutine of
// its own: the first postback that finds a free slot runs the batch that
// holds it, and leaves the batches queued meanwhile to a goroutine that
// runs until the queue is empty.
type batcher struct {
	run func(ctx context.Context, batch []*pending) // answers every pending exactly once

	mu       sync.Mutex
	queue    []*pending
	inFlight int
}

// do queues p and returns once its batch has answered it.
func (b *batcher) do(ctx context.Context, p *pending) batched {
	if b.enqueue(p) {
		ctx = context.WithoutCancel(ctx) // the batch serves other requests too
		if batch := b.take(); batch != nil {
			b.run(ctx, batch)
			if next := b.take(); next != nil {
				go b.loop(ctx, next)
			}
		}
	}
	return <-p.done
}

// enqueue adds p to the queue and reports whether the caller has a slot
// to run batches in.
func (b *batcher) enqueue(p *pending) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.queue = append(b.queue, p)
	if b.inFlight >= maxInFlight {
		return false
	}
	b.inFlight++
	return true
}

// take removes the next batch from the queue; when the queue is empty it
// frees the caller's slot and returns nil.
func (b *batcher) take() []*pending {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		b.inFlight--
		return nil
	}
	n := min(len(b.queue), maxBatch)
	batch := b.queue[:n:n]
	b.queue = b.queue[n:]
	if len(b.queue) == 0 {
		b.queue = nil // let the backing array go
	}
	return batch
}

// loop runs batch and the batches queued after it until the queue is empty.
func (b *batcher) loop(ctx context.Context, batch []*pending) {
	for ; batch != nil; batch = b.take() {
		b.run(ctx, batch)
	}
}

// createBatch is the batcher's run: it finds the batch's clicks in one
// query and creates their conversions in one statement. Every postback gets
// an answer; those not created are answered "take the single path".
func (s *Service) createBatch(ctx context.Context, batch []*pending) {
	out := make([]batched, len(batch))
	defer s.answer(batch, out)
	clicks, err := s.store.Attribution(ctx, refsOf(batch))
	if err != nil {
		s.log.Warn("find clicks of a postback batch; each takes the single path", "err", err, "count", len(batch))
		return
	}
	cs, logs, at := s.drafts(batch, clicks)
	if len(cs) == 0 {
		return
	}
	created, err := s.store.CreateMany(ctx, cs, logs)
	if err != nil {
		s.log.Warn("create a postback batch; each takes the single path", "err", err, "count", len(cs))
		return
	}
	for j, ok := range created {
		if ok {
			ev := cs[j].EventOf("")
			out[at[j]] = batched{ok: true, applied: Applied{Result: ResultCreated, Conversion: cs[j], Event: &ev}}
		}
	}
}

// answer sends each postback of batch its answer. A batch runs on behalf of
// many requests, maybe in a goroutine of its own, so a bug in it must not
// take the process down: after a panic its postbacks not yet created retry
// on the single path, inside their own requests.
func (s *Service) answer(batch []*pending, out []batched) {
	if r := recover(); r != nil {
		s.log.Error("postback batch panicked; each takes the single path", "panic", r, "count", len(batch))
	}
	for i, p := range batch {
		p.done <- out[i]
	}
}

// drafts builds the conversions of the postbacks whose click was found,
// with their log entries; at[j] is the batch index of cs[j].
func (s *Service) drafts(batch []*pending, clicks []event.Click) (cs []Conversion, logs []LogEntry, at []int) {
	type key struct {
		tenant core.TenantID
		id     string
	}
	found := make(map[key]event.Click, len(clicks)) // the query matched clicked_at too
	for _, c := range clicks {
		found[key{c.TenantID, c.ID}] = c
	}
	for i, p := range batch {
		if c, ok := found[key{p.tenant, p.ref.ID}]; ok {
			cs, logs, at = append(cs, s.conversion(p.tenant, p.pb, c)), append(logs, p.entry), append(at, i)
		}
	}
	return cs, logs, at
}

// refsOf returns the clicks a batch attributes to.
func refsOf(batch []*pending) []ClickRef {
	refs := make([]ClickRef, len(batch))
	for i, p := range batch {
		refs[i] = p.ref
	}
	return refs
}
