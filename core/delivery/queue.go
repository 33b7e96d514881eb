package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// Queue publishes delivery jobs to the DELIVERIES stream.
type Queue struct {
	js jetstream.JetStream
}

// NewQueue returns a Queue on js.
func NewQueue(js jetstream.JetStream) *Queue { return &Queue{js: js} }

// Publish stores jobs in the stream and returns once JetStream has
// acknowledged every one. Each job's msg id (delivery, attempt, deferral)
// makes a repeated publish of the same attempt a no-op.
func (q *Queue) Publish(ctx context.Context, jobs []event.OutgoingPostback) error {
	futures := make([]jetstream.PubAckFuture, 0, len(jobs))
	for _, j := range jobs {
		data, err := json.Marshal(j)
		if err != nil {
			return fmt.Errorf("encode postback job: %w", err)
		}
		msg := &nats.Msg{Subject: event.Subject(j.TenantID, event.OutgoingPostbackJob), Data: data, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, j.MsgID())
		f, err := q.js.PublishMsgAsync(msg)
		if err != nil {
			return fmt.Errorf("publish postback job: %w", err)
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("publish postback job: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("publish postback job: %w", ctx.Err())
		}
	}
	return nil
}

// Scheduler re-publishes deliveries whose next attempt is due (retries,
// deferrals and manual replays wait in PostgreSQL, not in the bus).
type Scheduler struct {
	store    postback.DeliveryStore
	queue    *Queue
	interval time.Duration
	batch    int
	log      *slog.Logger
}

// NewScheduler returns a Scheduler that polls every interval.
func NewScheduler(store postback.DeliveryStore, queue *Queue, interval time.Duration, log *slog.Logger) *Scheduler {
	return &Scheduler{store: store, queue: queue, interval: interval, batch: 500, log: log}
}

// Run polls until ctx is done. A full batch is followed at once by the next.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		n, err := s.store.ClaimDue(ctx, time.Now(), s.batch, s.queue.Publish)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("postback scheduler: claim due deliveries", "err", err)
		}
		if n == s.batch && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
