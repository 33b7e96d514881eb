// Package conversion receives conversions as postbacks: it authenticates the
// tenant's postback token (and optional IP allow-list), parses and validates
// the parameters, attributes the conversion to its click (even one not yet
// in PostgreSQL), creates or updates it idempotently, logs every postback
// with its outcome, and publishes each transition on the bus.
package conversion

import (
	"context"
	"net/netip"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Results of a postback, as answered and logged.
const (
	ResultCreated   = "created"
	ResultUpdated   = "updated"
	ResultDuplicate = "duplicate"
	// Failures, only logged.
	ResultInvalid      = "invalid"
	ResultUnknownClick = "unknown_click"
	ResultForbiddenIP  = "forbidden_ip"
	ResultError        = "error"
)

// Conversion is one conversion of a click (per tx_id, or per event).
type Conversion struct {
	ID         string        `json:"id"`
	TenantID   core.TenantID `json:"-"`
	DedupeKey  string        `json:"-"`
	ClickID    string        `json:"click_id"`
	ClickedAt  time.Time     `json:"clicked_at"`
	CampaignID string        `json:"campaign_id"`
	OfferID    string        `json:"offer_id"`
	PartnerID  string        `json:"partner_id,omitempty"`
	SourceID   string        `json:"source_id,omitempty"`
	Country    string        `json:"country,omitempty"`
	Device     string        `json:"device,omitempty"`
	Subs       [5]string     `json:"subs"`
	Event      string        `json:"event"`
	TxID       string        `json:"tx_id,omitempty"`
	Status     string        `json:"status"`
	Revenue    core.Decimal  `json:"revenue"`
	Currency   core.Currency `json:"currency"`
	// Payout is the offer's default payout, the commission stats report until
	// the ledger's figures replace it.
	Payout         core.Decimal  `json:"payout"`
	PayoutCurrency core.Currency `json:"payout_currency"`
	Test           bool          `json:"test"`
	Fraud          bool          `json:"fraud"`
	Seq            int64         `json:"seq"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// EventOf returns the ConversionChanged payload of c's latest transition
// from prevStatus (empty on creation).
func (c Conversion) EventOf(prevStatus string) event.Conversion {
	return event.Conversion{
		TenantID: c.TenantID, ConversionID: c.ID, Seq: c.Seq, ClickID: c.ClickID, CampaignID: c.CampaignID,
		OfferID: c.OfferID, PartnerID: c.PartnerID, SourceID: c.SourceID, Event: c.Event, Status: c.Status,
		PrevStatus: prevStatus, Revenue: c.Revenue, Currency: c.Currency, TxID: c.TxID, Test: c.Test,
		Fraud: c.Fraud, Country: c.Country, Device: c.Device, Subs: c.Subs, ClickedAt: c.ClickedAt,
		OccurredAt: c.UpdatedAt,
	}
}

// LogEntry is one incoming postback and what became of it.
type LogEntry struct {
	ID           string        `json:"id"`
	TenantID     core.TenantID `json:"-"`
	ReceivedAt   time.Time     `json:"received_at"`
	Method       string        `json:"method"`
	IP           string        `json:"ip"`
	Query        string        `json:"query"`
	ClickID      string        `json:"click_id"`
	Result       string        `json:"result"`
	StatusCode   int           `json:"status_code"`
	ConversionID string        `json:"conversion_id,omitempty"`
	Message      string        `json:"message,omitempty"`
}

// Applied is what Store.Apply did.
type Applied struct {
	Result     string
	Conversion Conversion
	// Event is the transition to publish (nil for a duplicate).
	Event *event.Conversion
}

// TransitionRef names one transition of a conversion.
type TransitionRef struct {
	ConversionID string
	Seq          int64
}

// ClickRef names a click a postback attributes to: its tenant, id and the
// time its id carries.
type ClickRef struct {
	TenantID core.TenantID
	ID       string
	At       time.Time
}

// TenantAccess is what a postback token opens.
type TenantAccess struct {
	TenantID core.TenantID
	AllowIPs []netip.Prefix // empty: any address
}

// ListQuery filters the conversion list.
type ListQuery struct {
	PartnerID string // only this partner's (partner portal)
	Status    string
	Limit     int
	Before    string // cursor: conversions created before this id
}

// Store persists conversions and the postback log.
type Store interface {
	// Apply creates the conversion c (by its DedupeKey) or moves an existing
	// one to c.Status, records the transition and the log entry, all in one
	// transaction. The same status again is a duplicate.
	Apply(ctx context.Context, c Conversion, log LogEntry) (Applied, error)
	// Attribution returns those of the clicks that are stored, in any order,
	// with the fields a conversion copies (campaign, offer, partner, source,
	// country, device, subs, fraud).
	Attribution(ctx context.Context, refs []ClickRef) ([]event.Click, error)
	// CreateMany creates, in one transaction, each conversion whose
	// DedupeKey is new (also within cs) with its first transition and its log
	// entry logs[i] (result created). created[i] reports whether cs[i] was
	// created; for those it sets cs[i].Payout and PayoutCurrency. The others
	// are left for Apply.
	CreateMany(ctx context.Context, cs []Conversion, logs []LogEntry) (created []bool, err error)
	// LogPostback records a postback that created nothing.
	LogPostback(ctx context.Context, e LogEntry) error
	// MarkPublished records that the bus acknowledged these transitions.
	MarkPublished(ctx context.Context, refs []TransitionRef) error
	// Unpublished returns transitions older than before that were never
	// acknowledged by the bus.
	Unpublished(ctx context.Context, before time.Time, limit int) ([]event.Conversion, error)
	Conversions(ctx context.Context, tenant core.TenantID, q ListQuery) ([]Conversion, error)
	Postbacks(ctx context.Context, tenant core.TenantID, limit int, before string) ([]LogEntry, error)
}

// Tenants resolves postback tokens.
type Tenants interface {
	// PostbackTenant returns the tenant whose postback token is token, or KindUnauthorized.
	PostbackTenant(ctx context.Context, token string) (TenantAccess, error)
}

// ClickFinder finds a click, also one not yet ingested.
type ClickFinder interface {
	Click(ctx context.Context, tenant core.TenantID, id string) (event.Click, error)
}

// Publisher publishes durably (see event.Publisher).
type Publisher = event.Publisher
