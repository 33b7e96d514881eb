package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// pump reads a pull consumer into a channel until the iterator is closed
// (ctx done: the iterator is drained, so buffered messages still arrive and
// can be handed back promptly).
func pump(ctx context.Context, cons jetstream.Consumer, buffer int, log *slog.Logger) (<-chan jetstream.Msg, error) {
	iter, err := cons.Messages(jetstream.PullMaxMessages(buffer))
	if err != nil {
		return nil, err
	}
	out := make(chan jetstream.Msg, buffer)
	go func() {
		<-ctx.Done()
		iter.Drain()
	}()
	go func() {
		defer close(out)
		for {
			m, err := iter.Next()
			switch {
			case errors.Is(err, jetstream.ErrMsgIteratorClosed):
				return
			case err != nil:
				log.Warn("postbacks: pull consumer", "err", err)
				time.Sleep(100 * time.Millisecond)
				continue
			}
			out <- m
		}
	}()
	return out, nil
}

// collect waits for one message, then gathers more for up to linger or
// until max: under load batches fill at once; at a moderate rate the
// linger turns one query per message into one per batch, for a few
// milliseconds of latency. ok is false once the channel is closed and empty.
func collect(in <-chan jetstream.Msg, max int, linger time.Duration) (batch []jetstream.Msg, ok bool) {
	m, ok := <-in
	if !ok {
		return nil, false
	}
	batch = append(batch, m)
	timer := time.NewTimer(linger)
	defer timer.Stop()
	for len(batch) < max {
		select {
		case m, ok := <-in:
			if !ok {
				return batch, true
			}
			batch = append(batch, m)
		case <-timer.C:
			return batch, true
		}
	}
	return batch, true
}

// consume runs handle on batches until ctx is done. A handled batch is
// acknowledged; a failed one is redelivered after a second. Messages that
// arrive after ctx is done are handed back at once.
func consume(ctx context.Context, cons jetstream.Consumer, max int, linger time.Duration, handle func(context.Context, []jetstream.Msg) error, log *slog.Logger) error {
	in, err := pump(ctx, cons, max, log)
	if err != nil {
		return err
	}
	for {
		batch, ok := collect(in, max, linger)
		if !ok {
			return nil
		}
		if ctx.Err() != nil {
			nakAll(batch, 0)
			continue
		}
		if err := handle(ctx, batch); err != nil {
			log.Warn("postbacks: handle batch; will retry", "err", err, "messages", len(batch))
			nakAll(batch, time.Second)
			continue
		}
		for _, m := range batch {
			_ = m.Ack()
		}
	}
}

func nakAll(msgs []jetstream.Msg, delay time.Duration) {
	for _, m := range msgs {
		if delay > 0 {
			_ = m.NakWithDelay(delay)
		} else {
			_ = m.Nak()
		}
	}
}

// decodeAll decodes each message's JSON payload. A message that cannot be
// decoded will never succeed: it is terminated and logged, not retried.
func decodeAll[T any](msgs []jetstream.Msg, log *slog.Logger) ([]T, []jetstream.Msg) {
	out, kept := make([]T, 0, len(msgs)), make([]jetstream.Msg, 0, len(msgs))
	for _, m := range msgs {
		var v T
		if err := json.Unmarshal(m.Data(), &v); err != nil {
			log.Error("postbacks: undecodable message dropped", "subject", m.Subject(), "err", err)
			_ = m.TermWithReason("undecodable payload")
			continue
		}
		out, kept = append(out, v), append(kept, m)
	}
	return out, kept
}
