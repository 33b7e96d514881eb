package natsbus

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ConsumerConfig describes a durable JetStream consumer. Several processes
// using the same Durable share its messages (each message goes to one of
// them at a time).
type ConsumerConfig struct {
	Stream   string
	Durable  string
	Subjects []string
	// AckWait bounds one handler run; an unacknowledged message is then
	// delivered again (default 30s).
	AckWait time.Duration
	// MaxAckPending bounds messages in flight across all processes (default 256).
	MaxAckPending int
	// Workers is how many messages this process handles at once (default 1:
	// one after another, in stream order). Handlers must then be safe to run
	// concurrently, as they already must be when several processes share
	// the consumer.
	Workers int
	// OrderKey, with Workers > 1, names what must stay in order: messages
	// with the same key (say, one conversion's transitions) go to the same
	// worker, one after another, in stream order. It gets the message id
	// (Nats-Msg-Id). Nil keeps no order among the workers.
	OrderKey func(msgID string) string
}

// Handler processes one message. Returning nil acknowledges it; an error
// wrapped by Permanent terminates it (it can never succeed); any other
// error asks for redelivery after a backoff.
type Handler func(ctx context.Context, subject string, data []byte) error

// permanentError marks an error that redelivery cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as permanent for a Handler.
func Permanent(err error) error { return permanentError{err} }

// Consume runs h on the consumer's messages (cfg.Workers at a time) until
// ctx is done, then stops fetching, lets the messages being handled
// finish, and returns. Handler
// runs get their own deadline (AckWait), not ctx, so a shutdown does not
// abort a message half-way.
func (b *Bus) Consume(ctx context.Context, cfg ConsumerConfig, h Handler) error {
	if cfg.AckWait == 0 {
		cfg.AckWait = 30 * time.Second
	}
	if cfg.MaxAckPending == 0 {
		cfg.MaxAckPending = 256
	}
	cons, err := b.JS.CreateOrUpdateConsumer(ctx, cfg.Stream, jetstream.ConsumerConfig{
		Durable: cfg.Durable, FilterSubjects: cfg.Subjects, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: cfg.AckWait, MaxDeliver: -1, MaxAckPending: cfg.MaxAckPending, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("consumer %s: %w", cfg.Durable, err)
	}
	base := context.WithoutCancel(ctx)
	pool := newWorkers(max(cfg.Workers, 1), cfg.OrderKey, func(msg jetstream.Msg) { b.handle(base, cfg, msg, h) })
	defer pool.stop()
	// A short heartbeat bounds a stall seen under load (nats.go v1.55): the
	// client can believe a pull request is outstanding when the server holds
	// none (consumer info: messages pending, no waiting request) and then
	// waits for the missing heartbeat — by default 2 × 15 s — before pulling
	// again. With 1 s it pulls again within 2 s.
	cc, err := cons.Consume(pool.dispatch, jetstream.PullMaxMessages(max(16, 2*cfg.Workers)),
		jetstream.PullExpiry(5*time.Second), jetstream.PullHeartbeat(time.Second))
	if err != nil {
		return fmt.Errorf("consume %s: %w", cfg.Durable, err)
	}
	<-ctx.Done()
	cc.Drain()
	select {
	case <-cc.Closed():
	case <-time.After(cfg.AckWait):
	}
	return nil
}

func (b *Bus) handle(ctx context.Context, cfg ConsumerConfig, msg jetstream.Msg, h Handler) {
	ctx, cancel := context.WithTimeout(ctx, cfg.AckWait)
	defer cancel()
	err := h(ctx, msg.Subject(), msg.Data())
	var perm permanentError
	switch {
	case err == nil:
		if aerr := msg.Ack(); aerr != nil {
			b.log.Warn("ack failed; the message will be delivered again", "consumer", cfg.Durable, "err", aerr)
		}
	case errors.As(err, &perm):
		b.log.Error("message can never be processed; dropped", "consumer", cfg.Durable, "subject", msg.Subject(), "err", err)
		_ = msg.Term()
	default:
		n := uint64(1)
		if md, merr := msg.Metadata(); merr == nil {
			n = md.NumDelivered
		}
		b.log.Warn("message failed; retrying", "consumer", cfg.Durable, "subject", msg.Subject(), "delivery", n, "err", err)
		_ = msg.NakWithDelay(redeliveryDelay(n))
	}
}

// workers hands messages to goroutines, those of one order key always to
// the same one.
type workers struct {
	queues []chan jetstream.Msg
	key    func(msgID string) string
	next   int // round robin without a key; only dispatch touches it
	done   chan struct{}
	wg     sync.WaitGroup
}

func newWorkers(n int, key func(string) string, handle func(jetstream.Msg)) *workers {
	w := &workers{queues: make([]chan jetstream.Msg, n), key: key, done: make(chan struct{})}
	for i := range w.queues {
		q := make(chan jetstream.Msg, 8)
		w.queues[i] = q
		w.wg.Go(func() {
			for {
				select {
				case msg := <-q:
					handle(msg)
				case <-w.done:
					for range len(q) { // fetched but not started: another run takes them
						_ = (<-q).Nak()
					}
					return
				}
			}
		})
	}
	return w
}

// dispatch is the consumer's callback (called from one goroutine).
func (w *workers) dispatch(msg jetstream.Msg) {
	i := w.next % len(w.queues)
	w.next++
	if w.key != nil {
		h := fnv.New32a()
		_, _ = h.Write([]byte(w.key(msg.Headers().Get(jetstream.MsgIDHeader))))
		i = int(h.Sum32() % uint32(len(w.queues)))
	}
	select {
	case w.queues[i] <- msg:
	case <-w.done:
		_ = msg.Nak()
	}
}

// stop lets running handlers finish and returns the rest to the stream.
func (w *workers) stop() {
	close(w.done)
	w.wg.Wait()
}

// redeliveryDelay is 250ms doubling per delivery, at most a minute.
func redeliveryDelay(delivered uint64) time.Duration {
	d := 250 * time.Millisecond
	for i := uint64(1); i < delivered && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}
