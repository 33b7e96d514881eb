package natsbus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/event"
)

// EnsureStreams creates or updates the JetStream streams affcore uses.
func (b *Bus) EnsureStreams(ctx context.Context, streams []event.Stream) error {
	for _, s := range streams {
		cfg := jetstream.StreamConfig{
			Name:       s.Name,
			Subjects:   s.Subjects,
			Storage:    jetstream.FileStorage,
			MaxAge:     s.MaxAge,
			Duplicates: s.Duplicates,
			Retention:  jetstream.LimitsPolicy,
		}
		if s.WorkQueue {
			cfg.Retention = jetstream.WorkQueuePolicy
		}
		if _, err := b.JS.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("stream %s: %w", s.Name, err)
		}
	}
	return nil
}

// Publish implements event.Publisher: it returns once JetStream has stored
// the message (a file-store write that survives a crash of this process).
// It publishes asynchronously and waits for that message's acknowledgement:
// concurrent callers share the connection's pipeline instead of each paying
// a request round trip, which more than doubles throughput on the click path.
func (b *Bus) Publish(ctx context.Context, subject string, payload []byte, msgID string) error {
	msg := &nats.Msg{Subject: subject, Data: payload, Header: nats.Header{}}
	if msgID != "" {
		msg.Header.Set(jetstream.MsgIDHeader, msgID)
	}
	f, err := b.JS.PublishMsgAsync(msg)
	if err != nil {
		return fmt.Errorf("publish %s: %w", subject, err)
	}
	select {
	case <-f.Ok():
		return nil
	case err := <-f.Err():
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) {
			return fmt.Errorf("publish %s: bus did not acknowledge in time: %w", subject, err)
		}
		return fmt.Errorf("publish %s: %w", subject, err)
	case <-ctx.Done():
		return fmt.Errorf("publish %s: %w", subject, ctx.Err())
	}
}

// Interface guard.
var _ event.Publisher = (*Bus)(nil)
