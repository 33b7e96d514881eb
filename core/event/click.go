package event

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
)

// ClickRecorded is the subject family of single recorded clicks, one
// subject per click (ClickSubject). Earlier releases published every click
// this way; ingest still reads such messages.
const ClickRecorded = "click.recorded.v1"

// ClickBatches is the subject of click batches: the click path groups the
// clicks that arrive while a publish is in flight into one message (group
// commit), each click still acknowledged to its visitor only once stored.
// A batch holds clicks of any tenant, so the subject names none.
const ClickBatches = Prefix + ".clicks.batch.v1"

// CatalogChanged is a plain (not JetStream) NATS subject: a tenant's
// catalogue changed and every node reloads its click snapshot.
const CatalogChanged = "catalog.changed.v1"

// ClickSubject returns the subject of one click.
func ClickSubject(tenant core.TenantID, clickID string) string {
	return Subject(tenant, ClickRecorded) + "." + clickID
}

// ClicksStream holds clicks from the redirect until ingest has written them
// to PostgreSQL. It is a work queue: ingest's acknowledgement (sent after its
// transaction committed) removes a batch. MaxAge bounds how long clicks wait
// if ingest cannot write at all.
var ClicksStream = Stream{
	Name:       "CLICKS",
	Subjects:   []string{ClickBatches, Prefix + ".*." + ClickRecorded + ".*"},
	MaxAge:     7 * 24 * time.Hour,
	WorkQueue:  true,
	Duplicates: 2 * time.Minute,
}

// Click is a recorded click: the ClickRecorded payload and the row ingest
// writes. ID is made by core.NewID("clk") at At (millisecond precision), so
// the id alone tells the click's day partition.
type Click struct {
	ID         string        `json:"id"`
	TenantID   core.TenantID `json:"tenant_id"`
	At         time.Time     `json:"at"`
	CampaignID string        `json:"campaign_id"`
	OfferID    string        `json:"offer_id"`
	PartnerID  string        `json:"partner_id,omitempty"`
	SourceID   string        `json:"source_id,omitempty"`
	LandingID  string        `json:"landing_id,omitempty"`
	IP         string        `json:"ip,omitempty"`
	UserAgent  string        `json:"user_agent,omitempty"`
	Device     string        `json:"device,omitempty"` // desktop, mobile, tablet, tv, bot, other
	OS         string        `json:"os,omitempty"`
	Browser    string        `json:"browser,omitempty"`
	Country    string        `json:"country,omitempty"`
	Region     string        `json:"region,omitempty"`
	City       string        `json:"city,omitempty"`
	ASN        uint32        `json:"asn,omitempty"`
	Referrer   string        `json:"referrer,omitempty"`
	Subs       [5]string     `json:"subs"`
	GCLID      string        `json:"gclid,omitempty"`
	FBCLID     string        `json:"fbclid,omitempty"`
	TTCLID     string        `json:"ttclid,omitempty"`
	// Params holds every other query parameter of the click.
	Params map[string]string `json:"params,omitempty"`
	// Route is "offer", or why the fallback URL was used: "paused", "cap", "country".
	Route string `json:"route"`
	// Score is the click's quality score 0–100 (100 is clean traffic, 0
	// certainly invalid, the scale of the click-scoring hook); Fraud is set
	// when it fell to the fraud threshold.
	Score   int      `json:"score"`
	Reasons []string `json:"reasons,omitempty"`
	Fraud   bool     `json:"fraud"`
}

// Message is one message taken from a stream.
type Message interface {
	Data() []byte
}

// Fetcher takes batches of messages from a durable stream consumer.
type Fetcher interface {
	// Fetch returns up to max messages, waiting at most wait for the first.
	Fetch(ctx context.Context, max int, wait time.Duration) ([]Message, error)
	// Done acknowledges handled messages (on a work queue stream, that
	// removes them). Messages never acknowledged are delivered again.
	Done(ctx context.Context, msgs []Message) error
}

// Drainer tells when a work-queue stream's consumer has caught up.
type Drainer interface {
	// WaitDrained returns once every message stream held when it was called
	// has been acknowledged (and so removed), or with ctx's error.
	WaitDrained(ctx context.Context, stream string) error
}
