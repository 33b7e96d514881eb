package delivery

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/postback"
)

// pending is a result waiting to be logged; its job message is acknowledged
// only after the log is committed, so a crash in between repeats the
// attempt (receivers dedupe by idempotency id) instead of losing its log.
type pending struct {
	result postback.Result
	msg    jetstream.Msg // nil when the job did not come from the bus
	done   func()        // optional, after the message is settled
}

// recorder writes results to PostgreSQL in batches from a few goroutines.
type recorder struct {
	store postback.DeliveryStore
	in    chan pending
	max   int
	wg    sync.WaitGroup
	log   *slog.Logger
	m     *metrics
}

func newRecorder(store postback.DeliveryStore, max, writers int, log *slog.Logger, m *metrics) *recorder {
	r := &recorder{store: store, in: make(chan pending, 4*max), max: max, log: log, m: m}
	for range writers {
		r.wg.Add(1)
		go r.loop()
	}
	return r
}

func (r *recorder) add(p pending) { r.in <- p }

// close flushes what is left and stops the writers.
func (r *recorder) close() {
	close(r.in)
	r.wg.Wait()
}

func (r *recorder) loop() {
	defer r.wg.Done()
	for {
		first, ok := <-r.in
		if !ok {
			return
		}
		r.flush(r.fill([]pending{first}))
	}
}

// recordLinger is how long a writer waits for a batch to fill: logging is
// off the delivery path (it only delays acknowledgements), so batches can be
// fuller than the planner's.
const recordLinger = 10 * time.Millisecond

// fill adds what arrives within recordLinger, up to max.
func (r *recorder) fill(batch []pending) []pending {
	timer := time.NewTimer(recordLinger)
	defer timer.Stop()
	for len(batch) < r.max {
		select {
		case p, ok := <-r.in:
			if !ok {
				return batch
			}
			batch = append(batch, p)
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// flush logs a batch, retrying briefly; if the database stays down the
// jobs go back to the bus (and are attempted again later).
func (r *recorder) flush(batch []pending) {
	results := make([]postback.Result, len(batch))
	for i, p := range batch {
		results[i] = p.result
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	for try := range 3 {
		if err = r.store.RecordResults(ctx, results); err == nil {
			break
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
	if err != nil {
		r.m.recordErrors.Inc()
		r.log.Error("postbacks: cannot log delivery results; the jobs will be attempted again", "err", err, "results", len(batch))
	}
	for _, p := range batch {
		if p.msg != nil {
			if err == nil {
				_ = p.msg.Ack()
			} else {
				_ = p.msg.NakWithDelay(5 * time.Second)
			}
		}
		if p.done != nil {
			p.done()
		}
	}
}
