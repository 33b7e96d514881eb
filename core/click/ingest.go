package click

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/affcore/affcore/core/event"
)

// Writer writes a batch of clicks to storage in one transaction,
// idempotently: a click already stored is skipped (and not counted again in
// the rollups). It decides each new click's uniqueness.
type Writer interface {
	WriteClicks(ctx context.Context, clicks []Click) error
}

// IngestConfig tunes the ingest workers.
type IngestConfig struct {
	Workers   int           // parallel batches (default 2)
	BatchSize int           // clicks per transaction (default 5000)
	MaxWait   time.Duration // how long a worker waits to fill a batch (default 50ms)
}

// Ingester moves clicks from the click stream into PostgreSQL. Each batch is
// committed before it is acknowledged, so a crash at any point leads to a
// redelivery that the Writer skips, never to a loss or a double count.
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
		cfg.BatchSize = 5000
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 50 * time.Millisecond
	}
	return &Ingester{src: src, dst: dst, cfg: cfg, log: log}
}

// Run ingests until ctx is done; a batch in progress is finished (committed
// and acknowledged) before Run returns.
func (in *Ingester) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range in.cfg.Workers {
		wg.Go(func() { in.work(ctx) })
	}
	wg.Wait()
}

func (in *Ingester) work(ctx context.Context) {
	for ctx.Err() == nil {
		msgs, err := in.src.Fetch(ctx, in.cfg.BatchSize, in.cfg.MaxWait)
		if err != nil {
			if ctx.Err() == nil {
				in.log.Warn("fetch clicks", "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		if len(msgs) > 0 {
			t0 := time.Now()
			in.handle(msgs)
			in.log.Debug("ingest batch", "n", len(msgs), "took", time.Since(t0))
		}
	}
}

// handle writes one batch. It runs to completion even when shutdown starts,
// with its own deadline, so a fetched batch is not left hanging.
func (in *Ingester) handle(msgs []event.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clicks := make([]Click, 0, len(msgs))
	kept := msgs[:0:0]
	for _, m := range msgs {
		var c Click
		if err := json.Unmarshal(m.Data(), &c); err != nil || c.ID == "" || c.TenantID == "" {
			in.log.Error("dropping undecodable click", "err", err, "size", len(m.Data()))
			_ = m.Term()
			continue
		}
		clicks = append(clicks, c)
		kept = append(kept, m)
	}
	if err := in.dst.WriteClicks(ctx, clicks); err != nil {
		in.log.Error("write clicks; they will be redelivered", "err", err, "clicks", len(clicks))
		for _, m := range kept {
			_ = m.Nak()
		}
		time.Sleep(time.Second)
		return
	}
	for _, m := range kept {
		_ = m.Ack()
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
