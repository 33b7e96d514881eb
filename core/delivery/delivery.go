// Package delivery sends outgoing postbacks and webhooks so that nothing is
// lost: the planner turns bus events into jobs on the DELIVERIES JetStream
// stream; the worker pool sends each job through the postback-format plugin
// and the outbound HTTP client with per-receiver concurrency limits and
// timeouts; every attempt is logged in PostgreSQL before its job is
// acknowledged; retries wait in PostgreSQL and the scheduler re-publishes
// them when due.
//
// Why retries are re-published rather than NAKed with a delay: a NAKed
// message stays pending in its consumer, so a receiver that is down for
// hours would hold thousands of pending messages, fill MaxAckPending and
// stall every other receiver. A delivery waiting for its next attempt holds
// nothing in the bus; its schedule is a row (next_attempt_at) that the log
// shows, several nodes claim with SKIP LOCKED, and any NATS server version
// serves.
package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// Config tunes delivery. Zero fields take the defaults.
type Config struct {
	// Policy is the retry schedule and give-up time.
	Policy postback.Policy
	// Timeout bounds one attempt (connect, send, answer); default 10s.
	Timeout time.Duration
	// PerReceiver is how many requests may be in flight to one receiver
	// (scheme, host and port); default 32.
	PerReceiver int
	// QueuePerReceiver is how many jobs may wait for one receiver before
	// more are deferred; default 8192.
	QueuePerReceiver int
	// MaxQueueWait is how long a job may wait in its receiver's queue: a
	// job that would wait longer (judged by the receiver's recent latency)
	// is deferred instead, and one that did is deferred by a sweeper; default 10s.
	MaxQueueWait time.Duration
	// MaxInFlight bounds the jobs this node holds; default 16384.
	MaxInFlight int
	// Batch is how many messages are pulled and logged at once; default 256.
	Batch int
	// Linger is how long the planner and the dispatcher wait for a batch to
	// fill before handling it; default 2ms.
	Linger time.Duration
	// Writers is how many goroutines write the log; default 2.
	Writers int
	// SchedulerInterval is how often due retries are looked for; default 200ms.
	SchedulerInterval time.Duration
}

func (c Config) withDefaults() Config {
	if c.Policy.Schedule == nil {
		c.Policy = postback.DefaultPolicy()
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.PerReceiver, 32)
	def(&c.QueuePerReceiver, 8192)
	def(&c.MaxInFlight, 16384)
	def(&c.Batch, 256)
	def(&c.Writers, 4)
	defDur(&c.Timeout, 10*time.Second)
	defDur(&c.MaxQueueWait, 10*time.Second)
	defDur(&c.SchedulerInterval, 200*time.Millisecond)
	defDur(&c.Linger, 2*time.Millisecond)
	return c
}

// Store is the storage delivery needs.
type Store interface {
	postback.DeliveryStore
	postback.PlanStore
}

// Deps are what Start needs.
type Deps struct {
	JS       jetstream.JetStream
	Store    Store
	Sender   postback.Sender
	Log      *slog.Logger
	Registry *prometheus.Registry // optional
}

// Durable consumer names.
const (
	ConsumerCommissions = "postbacks-plan-commissions"
	ConsumerConversions = "postbacks-plan-conversions"
	ConsumerSend        = "postbacks-send"
)

// Runner is the running planner, worker pool and scheduler.
type Runner struct {
	wg sync.WaitGroup
}

// Start creates the consumers and starts the workers; they stop when ctx is
// done, and Wait returns once they have drained.
func Start(ctx context.Context, cfg Config, d Deps) (*Runner, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("postback retry policy: %w", err)
	}
	cons, err := ensureConsumers(ctx, d.JS, cfg)
	if err != nil {
		return nil, err
	}
	m := newMetrics(d.Registry)
	queue := NewQueue(d.JS)
	planner := NewPlanner(d.Store, queue, d.Log)
	workers := newPool(cfg, d.Store, d.Sender, d.Log, m)
	sched := NewScheduler(d.Store, queue, cfg.SchedulerInterval, d.Log)
	r := &Runner{}
	r.run(func() error { return consume(ctx, cons[0], cfg.Batch, cfg.Linger, planner.Commissions, d.Log) }, d.Log)
	r.run(func() error { return consume(ctx, cons[1], cfg.Batch, cfg.Linger, planner.Conversions, d.Log) }, d.Log)
	r.run(func() error { return workers.Run(ctx, cons[2]) }, d.Log)
	r.run(func() error { sched.Run(ctx); return nil }, d.Log)
	return r, nil
}

func (r *Runner) run(fn func() error, log *slog.Logger) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := fn(); err != nil {
			log.Error("postbacks: worker stopped", "err", err)
		}
	}()
}

// Wait blocks until every worker has stopped.
func (r *Runner) Wait() { r.wg.Wait() }

// ensureConsumers creates or updates the three durable pull consumers:
// planning from EVENTS (from the first stored event, so nothing published
// before the first start is missed) and sending from DELIVERIES.
func ensureConsumers(ctx context.Context, js jetstream.JetStream, cfg Config) ([3]jetstream.Consumer, error) {
	var out [3]jetstream.Consumer
	// A job is queued at most MaxQueueWait, then sent within Timeout, then
	// logged: after a crash its redelivery waits no longer than that.
	ackWait := cfg.MaxQueueWait + cfg.Timeout + 5*time.Second
	specs := []struct {
		stream string
		cfg    jetstream.ConsumerConfig
	}{
		{event.EventsStream.Name, jetstream.ConsumerConfig{Durable: ConsumerCommissions,
			FilterSubject: event.AllTenants(event.CommissionDecided), AckWait: 10 * time.Second, MaxAckPending: 4096}},
		{event.EventsStream.Name, jetstream.ConsumerConfig{Durable: ConsumerConversions,
			FilterSubject: event.AllTenants(event.ConversionChanged), AckWait: 10 * time.Second, MaxAckPending: 4096}},
		{event.DeliveriesStream.Name, jetstream.ConsumerConfig{Durable: ConsumerSend,
			FilterSubject: event.AllTenants(event.OutgoingPostbackJob), AckWait: ackWait,
			MaxAckPending: cfg.MaxInFlight + 4*cfg.Batch}},
	}
	for i, s := range specs {
		s.cfg.AckPolicy, s.cfg.DeliverPolicy, s.cfg.MaxDeliver = jetstream.AckExplicitPolicy, jetstream.DeliverAllPolicy, -1
		c, err := js.CreateOrUpdateConsumer(ctx, s.stream, s.cfg)
		if err != nil {
			return out, fmt.Errorf("postbacks consumer %s: %w", s.cfg.Durable, err)
		}
		out[i] = c
	}
	return out, nil
}
