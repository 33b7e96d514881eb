package natsbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/event"
)

// Puller is a durable pull consumer on one stream with explicit acks; it
// implements event.Fetcher. Several goroutines may Fetch from it at once:
// JetStream hands each message to one of them.
type Puller struct {
	cons jetstream.Consumer
}

// Puller creates (or reuses) the durable consumer name on stream. A message
// not acknowledged within ackWait is delivered again.
func (b *Bus) Puller(ctx context.Context, stream, name string, ackWait time.Duration) (*Puller, error) {
	cons, err := b.JS.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable:       name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxAckPending: 200_000,
		MaxDeliver:    -1,
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", name, stream, err)
	}
	return &Puller{cons: cons}, nil
}

// Done implements event.Fetcher: each message is acknowledged (explicit
// acks: a message some other batch left unacknowledged is redelivered, never
// swept along).
func (p *Puller) Done(_ context.Context, msgs []event.Message) error {
	var first error
	for _, msg := range msgs {
		m, ok := msg.(jetstream.Msg)
		if !ok {
			return fmt.Errorf("done: %T is not a message of this consumer", msg)
		}
		if err := m.Ack(); err != nil && first == nil {
			first = fmt.Errorf("ack: %w", err)
		}
	}
	return first
}

// Fetch implements event.Fetcher.
func (p *Puller) Fetch(ctx context.Context, max int, wait time.Duration) ([]event.Message, error) {
	batch, err := p.cons.FetchNoWait(max)
	if err != nil {
		return nil, err
	}
	out := collect(batch, max)
	if len(out) > 0 || ctx.Err() != nil {
		return out, batch.Error()
	}
	batch, err = p.cons.Fetch(max, jetstream.FetchMaxWait(wait))
	if err != nil {
		return nil, err
	}
	out = collect(batch, max)
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		return out, err
	}
	return out, nil
}

func collect(batch jetstream.MessageBatch, max int) []event.Message {
	out := make([]event.Message, 0, min(max, 1024))
	for m := range batch.Messages() {
		out = append(out, m)
	}
	return out
}

// WaitDrained implements event.Drainer for a work-queue stream: it notes
// the stream's last sequence, then polls until every message up to it is
// gone (acknowledged), backing off from 1 ms to 20 ms between looks.
func (b *Bus) WaitDrained(ctx context.Context, stream string) error {
	s, err := b.stream(ctx, stream)
	if err != nil {
		return err
	}
	var last uint64
	for pause := time.Millisecond; ; pause = min(pause*2, 20*time.Millisecond) {
		info, err := s.Info(ctx)
		if err != nil {
			return fmt.Errorf("stream %s: %w", stream, err)
		}
		st := info.State
		if last == 0 {
			last = st.LastSeq
		}
		if st.Msgs == 0 || st.FirstSeq > last {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// stream returns a cached stream handle.
func (b *Bus) stream(ctx context.Context, name string) (jetstream.Stream, error) {
	if s, ok := b.streams.Load(name); ok {
		return s.(jetstream.Stream), nil
	}
	s, err := b.JS.Stream(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	b.streams.Store(name, s)
	return s, nil
}

// Notify publishes a plain (not stored) message: a signal such as a cache
// invalidation, for whoever listens now.
func (b *Bus) Notify(subject string, payload []byte) error {
	return b.Conn.Publish(subject, payload)
}

// Listen calls fn for every plain message on subject until the returned
// stop function is called or the connection closes.
func (b *Bus) Listen(subject string, fn func(subject string, payload []byte)) (stop func(), err error) {
	sub, err := b.Conn.Subscribe(subject, func(m *nats.Msg) { fn(m.Subject, m.Data) })
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", subject, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Interface guards.
var (
	_ event.Fetcher = (*Puller)(nil)
	_ event.Drainer = (*Bus)(nil)
)
