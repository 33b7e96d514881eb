// Package click is the hot path: it resolves a tracking link from an
// in-memory snapshot of the catalogue, builds the click (id, device, GEO,
// ASN, sub-ids, score), picks the destination (the offer, or the fallback
// for paused campaigns, caps and other countries), fills its macros
// URL-encoded, and stores the click durably before the redirect is sent
// (Batcher: clicks arriving together share one bus message). Ingest workers
// then write the messages to PostgreSQL in batches, idempotently per
// message, deciding uniqueness and keeping hourly rollups in the same
// transaction; Finder lets a postback find a click not yet written.
//
// See RATIONALE.md in this directory for why the pieces are shaped so.
package click

import (
	"context"
	"net/netip"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Click is a recorded click; the type crosses the bus as event.Click.
type Click = event.Click

// Device is what a user agent says about the visitor.
type Device struct {
	Type    string // desktop, mobile, tablet, tv, bot, other
	OS      string
	Browser string
	Bot     bool
}

// Geo is what an IP address says about the visitor.
type Geo struct {
	Country string // ISO 3166-1 alpha-2, upper case; empty when unknown
	Region  string
	City    string
	ASN     uint32
}

// Locator looks up the GEO and ASN of an IP address. It never fails: an
// unknown address yields an empty Geo.
type Locator interface {
	Locate(ip netip.Addr) Geo
}

// UAParser parses a User-Agent header.
type UAParser interface {
	Parse(ua string) Device
}

// Publisher stores a message durably and returns once the bus acknowledged it.
type Publisher interface {
	Publish(ctx context.Context, subject string, payload []byte, msgID string) error
}

// Route is everything the click path needs to know about one campaign,
// prepared when the snapshot is loaded.
type Route struct {
	TenantID   core.TenantID
	CampaignID string
	OfferID    string
	LandingID  string
	SourceID   string
	// Serving is false when the campaign or its offer is paused: traffic goes
	// to the fallback URL.
	Serving bool
	// Destination is the URL template (the landing's when the campaign has one).
	Destination string
	// Fallback is the campaign's fallback URL, else the offer's.
	Fallback string
	// Countries lists the allowed countries (empty: all).
	Countries []string
	// Capped is true when the offer reached its daily or total cap.
	Capped bool
	// Partners holds the active partners granted the offer.
	Partners map[string]bool
}

// Snapshot is the catalogue as the click path sees it: active and paused
// campaigns of every tenant. Archived campaigns and offers are absent.
type Snapshot struct {
	Routes   map[string]*Route // by campaign id
	LoadedAt time.Time
}

// SnapshotLoader builds a snapshot from storage. now is the moment caps are
// counted at (its UTC day for daily caps).
type SnapshotLoader interface {
	LoadSnapshot(ctx context.Context, now time.Time) (*Snapshot, error)
}
