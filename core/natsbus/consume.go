package natsbus

import (
	"context"
	"errors"
	"fmt"
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

// Consume runs h on the consumer's messages until ctx is done, then stops
// fetching, lets the messages already fetched finish, and returns. Handler
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
	cc, err := cons.Consume(func(msg jetstream.Msg) { b.handle(base, cfg, msg, h) }, jetstream.PullMaxMessages(16))
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

// redeliveryDelay is 250ms doubling per delivery, at most a minute.
func redeliveryDelay(delivered uint64) time.Duration {
	d := 250 * time.Millisecond
	for i := uint64(1); i < delivered && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}
