// Package event names affcore's bus subjects and streams and defines the
// versioned payloads that cross them. Subjects are tenant-scoped and
// versioned: affcore.<tenant>.<entity>.<verb>.v<N>. Producers and consumers
// depend on these types, never on each other.
package event

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
)

// Prefix starts every affcore subject.
const Prefix = "affcore"

// Subject returns the subject of name (e.g. ConversionChanged) for tenant.
func Subject(tenant core.TenantID, name string) string {
	return Prefix + "." + string(tenant) + "." + name
}

// AllTenants returns the wildcard subject of name across tenants.
func AllTenants(name string) string { return Prefix + ".*." + name }

// Stream describes a JetStream stream that natsbus creates at start.
type Stream struct {
	Name     string
	Subjects []string
	// MaxAge bounds how long messages are kept (0 = forever).
	MaxAge time.Duration
	// WorkQueue streams drop a message once a consumer acknowledges it.
	WorkQueue bool
	// Duplicates is the window in which a repeated Nats-Msg-Id is ignored.
	Duplicates time.Duration
}

// Streams lists every stream affcore uses; each area adds its own.
func Streams() []Stream {
	return []Stream{EventsStream, ClicksStream, DeliveriesStream}
}

// EventsStream carries domain events (conversions, ledger movements) that
// several consumers read independently.
var EventsStream = Stream{
	Name:       "EVENTS",
	Subjects:   []string{Prefix + ".*.conversion.>", Prefix + ".*.ledger.>", Prefix + ".*.payout.>"},
	MaxAge:     7 * 24 * time.Hour,
	Duplicates: 10 * time.Minute,
}

// Publisher publishes a payload durably: it returns once the bus has stored
// it. A repeated msgID within the stream's duplicate window is stored once.
type Publisher interface {
	Publish(ctx context.Context, subject string, payload []byte, msgID string) error
}
