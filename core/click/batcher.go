package click

import (
	"context"
	"sync"
	"time"

	"github.com/affcore/affcore/core/event"
)

// Recorder stores an encoded click durably: when Record returns nil the
// click survives a crash of this process.
type Recorder interface {
	Record(ctx context.Context, clickID string, encoded []byte) error
}

// BatcherConfig tunes the group commit of clicks.
type BatcherConfig struct {
	// InFlight is how many batches may be publishing at once (default 1).
	// While all are, arriving clicks gather into the next batch.
	InFlight int
	// MaxClicks and MaxBytes close a batch early (defaults 512 and 512 KiB,
	// below NATS's default 1 MiB message limit).
	MaxClicks, MaxBytes int
	// Timeout bounds one publish (default 10s).
	Timeout time.Duration
}

// Batcher is the click path's Recorder: a group commit. A click that finds
// a free publish slot goes out at once, alone; clicks that arrive while
// every slot is busy gather into one batch that is published as one stream
// message when a slot frees. Each caller returns once the batch holding its
// click is stored, so "durable before the redirect" holds click by click,
// while under load the bus stores, delivers and acknowledges one message
// per batch instead of one per click.
type Batcher struct {
	pub Publisher
	cfg BatcherConfig

	mu       sync.Mutex
	queue    []*pendingBatch // oldest first; only the last one takes clicks
	inFlight int
}

// pendingBatch is a batch waiting for, or in, its publish.
type pendingBatch struct {
	first string // the first click's id names the message (deduplication)
	batch event.ClickBatch
	done  chan struct{}
	err   error
}

// NewBatcher returns a Batcher publishing to pub.
func NewBatcher(pub Publisher, cfg BatcherConfig) *Batcher {
	if cfg.InFlight <= 0 {
		cfg.InFlight = 1
	}
	if cfg.MaxClicks <= 0 {
		cfg.MaxClicks = 512
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 512 << 10
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Batcher{pub: pub, cfg: cfg}
}

// Record implements Recorder. A canceled ctx stops the wait, not the
// publish: the click may still be stored.
func (b *Batcher) Record(ctx context.Context, clickID string, encoded []byte) error {
	p := b.add(clickID, encoded)
	b.pump()
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// add puts the click into the open batch, opening one when needed.
func (b *Batcher) add(clickID string, encoded []byte) *pendingBatch {
	b.mu.Lock()
	defer b.mu.Unlock()
	var p *pendingBatch
	if n := len(b.queue); n > 0 {
		p = b.queue[n-1]
	}
	if p == nil || p.batch.Len() >= b.cfg.MaxClicks || p.batch.Size()+len(encoded) > b.cfg.MaxBytes {
		p = &pendingBatch{first: clickID, done: make(chan struct{})}
		b.queue = append(b.queue, p)
	}
	p.batch.Add(encoded)
	return p
}

// pump starts publishing queued batches while slots are free.
func (b *Batcher) pump() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.inFlight < b.cfg.InFlight && len(b.queue) > 0 {
		p := b.queue[0]
		b.queue[0] = nil
		b.queue = b.queue[1:]
		b.inFlight++
		go b.publish(p)
	}
}

// publish stores one batch, releases its callers and its slot, and pumps
// what gathered meanwhile.
func (b *Batcher) publish(p *pendingBatch) {
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.Timeout)
	p.err = b.pub.Publish(ctx, event.ClickBatches, p.batch.Bytes(), "b"+p.first)
	cancel()
	close(p.done)
	b.mu.Lock()
	b.inFlight--
	b.mu.Unlock()
	b.pump()
}
