package click

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/affcore/affcore/core/event"
)

// Writer writes clicks to storage in one transaction, idempotently: each
// group holds the clicks of one stream message; a click already stored is
// skipped (and not counted again in the rollups). It decides each new
// click's uniqueness.
type Writer interface {
	WriteClicks(ctx context.Context, groups [][]Click) error
}

// IngestConfig tunes the ingest workers.
type IngestConfig struct {
	Workers int // parallel transactions (default 2)
	// BatchSize is the number of stream messages per transaction (default
	// 256); a message holds one click or a batch of them (up to 512).
	BatchSize int
	MaxWait   time.Duration // how long a worker waits to fill a batch (default 50ms)
}

// Ingester moves clicks from the click stream into PostgreSQL. One fetcher
// takes batches; Workers write them in parallel, each in one transaction; an
// acker acknowledges each batch only after it committed (which removes it
// from the stream). A crash at any point leads to redelivery that the Writer
// skips, never to a loss or a double count. Acknowledgements must stay
// per message: acknowledging "everything up to here" would also sweep away
// messages of a crashed run that are waiting for redelivery.
type Ingester struct {
	src event.Fetcher
	dst Writer
	cfg IngestConfig
	log *slog.Logger
}

// NewIngester returns an Ingester.
func NewIngester(src event.Fetcher, dst Writer, cfg IngestConfig, log *slog.Logger) *Ingester {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 256
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 50 * time.Millisecond
	}
	return &Ingester{src: src, dst: dst, cfg: cfg, log: log}
}

// batch is one fetched batch on its way through the writers and the acker.
type batch struct {
	msgs    []event.Message
	written bool
	done    chan struct{}
}

// Run ingests until ctx is done; batches already fetched are finished
// (committed and acknowledged) before Run returns.
func (in *Ingester) Run(ctx context.Context) {
	work := make(chan *batch)
	acks := make(chan *batch, in.cfg.Workers*2)
	var writers sync.WaitGroup
	for range in.cfg.Workers {
		writers.Go(func() {
			for b := range work {
				b.written = in.write(ctx, b.msgs)
				close(b.done)
			}
		})
	}
	acked := make(chan struct{})
	go func() { in.ack(acks); close(acked) }()
	in.fetch(ctx, work, acks)
	close(work)
	writers.Wait()
	close(acks)
	<-acked
}

// fetch hands batches to the writers and, in the same order, to the acker.
func (in *Ingester) fetch(ctx context.Context, work, acks chan<- *batch) {
	for ctx.Err() == nil {
		msgs, err := in.src.Fetch(ctx, in.cfg.BatchSize, in.cfg.MaxWait)
		if err != nil {
			if ctx.Err() == nil {
				in.log.Warn("fetch clicks", "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		if len(msgs) == 0 {
			continue
		}
		b := &batch{msgs: msgs, done: make(chan struct{})}
		acks <- b
		work <- b
	}
}

// ack acknowledges each batch once it committed; a batch that could not be
// written is left to redelivery.
func (in *Ingester) ack(acks <-chan *batch) {
	for b := range acks {
		<-b.done
		if !b.written {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := in.src.Done(ctx, b.msgs); err != nil {
			in.log.Warn("acknowledge clicks; they will be redelivered and skipped", "err", err)
		}
		cancel()
	}
}

// write decodes and writes one batch, retrying while ctx lives. It runs to
// completion of the current attempt even when shutdown starts.
func (in *Ingester) write(ctx context.Context, msgs []event.Message) bool {
	groups := make([][]Click, 0, len(msgs))
	n := 0
	for _, m := range msgs {
		got, bad, err := event.DecodeClicks(m.Data())
		if bad > 0 || err != nil {
			// acknowledged with its batch: such clicks can never be written
			in.log.Error("dropping undecodable clicks", "err", err, "bad", bad, "size", len(m.Data()))
		}
		if valid := slices.DeleteFunc(got, func(c Click) bool { return c.ID == "" || c.TenantID == "" }); len(valid) < len(got) {
			in.log.Error("dropping clicks without id or tenant", "count", len(got)-len(valid))
			got = valid
		}
		if len(got) > 0 {
			groups, n = append(groups, got), n+len(got)
		}
	}
	for {
		wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		start := time.Now()
		err := in.dst.WriteClicks(wctx, groups)
		cancel()
		if err == nil {
			in.log.Debug("ingest batch", "clicks", n, "took", time.Since(start))
			return true
		}
		in.log.Error("write clicks; retrying", "err", err, "clicks", n)
		if sleep(ctx, time.Second); ctx.Err() != nil {
			return false
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// Maintenance keeps the click tables: partitions ahead of time and the
// uniqueness windows pruned.
type Maintenance interface {
	EnsurePartitions(ctx context.Context, from time.Time, days int) error
	PruneUniques(ctx context.Context, before time.Time) error
}

// RunMaintenance creates the click partitions of yesterday to three days
// ahead and forgets uniqueness windows older than two days, now and every
// interval, until ctx is done.
func RunMaintenance(ctx context.Context, m Maintenance, clock interface{ Now() time.Time }, interval time.Duration, log *slog.Logger) {
	for {
		now := clock.Now()
		if err := m.EnsurePartitions(ctx, now.AddDate(0, 0, -1), 5); err != nil && ctx.Err() == nil {
			log.Warn("create click partitions", "err", err)
		}
		if err := m.PruneUniques(ctx, now.Add(-48*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("prune click uniqueness windows", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
