// Package postback is the outgoing postbacks domain: partners' postback
// settings (a global URL and per-offer overrides, per event), the
// advertiser's tenant-level webhooks, their signing secrets, the plan that
// turns a conversion transition into deliveries, the retry policy, and the
// delivery log with replay and test postbacks.
//
// A partner's postback is driven by the ledger's CommissionDecided event, so
// its {payout} is the partner's own commission; the advertiser's revenue is
// never put into a partner's values. Webhooks are driven by
// ConversionChanged and may carry {revenue}.
//
// Formatting (the postback-format plugin), sending (HTTP) and queueing (the
// bus) are behind small interfaces; core/delivery implements the sending
// side and core/postgres the Store.
package postback

import (
	"slices"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Kind says who receives an endpoint's deliveries.
type Kind string

// Endpoint kinds.
const (
	KindPartner Kind = event.PostbackPartner
	KindWebhook Kind = event.PostbackWebhook
)

// Owner is whose settings an endpoint is: one partner, or the tenant's webhooks.
type Owner struct {
	Kind      Kind
	PartnerID string // KindPartner only
}

// PartnerOwner is the owner of a partner's postbacks.
func PartnerOwner(partnerID string) Owner { return Owner{Kind: KindPartner, PartnerID: partnerID} }

// WebhookOwner is the owner of the tenant's webhooks.
func WebhookOwner() Owner { return Owner{Kind: KindWebhook} }

// secretKey names the owner's signing secret: a partner's id, or "" for the
// tenant's webhooks.
func (o Owner) secretKey() string { return o.PartnerID }

// Endpoint is one place deliveries go: a partner's global postback
// (OfferID ""), a partner's per-offer override, or a tenant webhook.
type Endpoint struct {
	ID          string
	TenantID    core.TenantID
	Kind        Kind
	PartnerID   string
	OfferID     string
	Description string
	URL         string
	Method      string // GET or POST
	Format      string // url or json
	// Events filters which transitions fire; empty means every transition.
	Events    []string
	Sign      bool
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Owner returns the endpoint's owner.
func (e Endpoint) Owner() Owner { return Owner{Kind: e.Kind, PartnerID: e.PartnerID} }

// Input is what a caller may set on an endpoint.
type Input struct {
	URL         string
	Method      string
	Format      string
	Events      []string
	Sign        bool
	Enabled     *bool // nil keeps the current value (true for a new endpoint)
	OfferID     string
	Description string
}

// Standard event names a subscription may list, besides custom event names.
const (
	EventCreated  = "created"
	EventApproved = event.StatusApproved
	EventRejected = event.StatusRejected
	EventHold     = event.StatusHold
	EventPending  = event.StatusPending
)

// Macros available in partner postbacks. There is no {revenue}: a partner
// only ever learns its own commission, as {payout}.
var partnerMacros = []string{
	"click_id", "conversion_id", "sub1", "sub2", "sub3", "sub4", "sub5", "payout", "currency", "status",
	"tx_id", "offer_id", "campaign_id", "event", "country", "device", "idempotency_id", "timestamp",
	"partner_id", "test",
}

// Macros available in tenant webhooks: the conversion as the advertiser sees it.
var webhookMacros = []string{
	"click_id", "conversion_id", "sub1", "sub2", "sub3", "sub4", "sub5", "revenue", "currency", "status",
	"prev_status", "tx_id", "offer_id", "campaign_id", "source_id", "partner_id", "event", "country",
	"device", "idempotency_id", "timestamp", "test",
}

// MacrosFor lists the macros an endpoint of kind may use.
func MacrosFor(k Kind) []string {
	if k == KindWebhook {
		return slices.Clone(webhookMacros)
	}
	return slices.Clone(partnerMacros)
}

// normalizeInput applies defaults: format url; GET for url, POST for json;
// event names lower-cased, trimmed and de-duplicated.
func normalizeInput(in Input) Input {
	in.URL = strings.TrimSpace(in.URL)
	in.Method = strings.ToUpper(strings.TrimSpace(in.Method))
	in.Format = strings.ToLower(strings.TrimSpace(in.Format))
	if in.Format == "" {
		in.Format = "url"
	}
	if in.Method == "" {
		in.Method = "GET"
		if in.Format == "json" {
			in.Method = "POST"
		}
	}
	events := make([]string, 0, len(in.Events))
	for _, e := range in.Events {
		if e = strings.ToLower(strings.TrimSpace(e)); !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	in.Events = events
	in.OfferID = strings.TrimSpace(in.OfferID)
	return in
}

// validEventName reports whether s can name an event: 1–64 of a-z 0-9 _ . -
func validEventName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validID reports whether s looks like an opaque id we can store (offer ids
// come from the catalogue).
func validID(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r > '~' })
}
