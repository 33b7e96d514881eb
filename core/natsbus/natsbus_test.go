package natsbus_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/natsbus"
)

func TestBus_PublishDurableAndDeduped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := natsbus.Open(ctx, natsbus.Config{StoreDir: dir}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	subj := event.Subject("ten_a", event.ConversionChanged)
	for range 2 { // the same msg id twice: stored once
		if err := b.Publish(ctx, subj, []byte(`{"x":1}`), "cv_1.1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(ctx, subj, []byte(`{"x":2}`), "cv_1.2"); err != nil {
		t.Fatal(err)
	}
	b.Close()

	// Reopen on the same store: the messages survived the restart.
	b, err = natsbus.Open(ctx, natsbus.Config{StoreDir: dir}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.JS.Stream(ctx, event.EventsStream.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 2 {
		t.Fatalf("stream holds %d messages; want 2 (one duplicate dropped)", info.State.Msgs)
	}
	if err := b.Check(ctx); err != nil {
		t.Fatal(err)
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
	if err != nil || string(msg.Data()) != `{"x":1}` {
		t.Fatalf("first message = %v, %v", msg, err)
	}
}

func TestOpen_ExternalUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := natsbus.Open(ctx, natsbus.Config{URL: "nats://127.0.0.1:1"}, coretest.Logger()); err == nil {
		t.Fatal("connected to a port with no server")
	}
}
