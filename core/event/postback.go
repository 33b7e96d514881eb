package event

import (
	"strconv"
	"time"

	"github.com/affcore/affcore/core"
)

// OutgoingPostbackJob is the subject of a queued outgoing postback attempt
// (a partner postback or a tenant webhook). Only the outgoing postbacks
// area produces and consumes it.
const OutgoingPostbackJob = "postback.out.job.v1"

// DeliveriesStream is the work queue of outgoing postback attempts: a
// message is removed once a worker has sent it and recorded the result.
// Future attempts wait in PostgreSQL (next_attempt_at) and are re-published
// here when due.
var DeliveriesStream = Stream{
	Name:       "DELIVERIES",
	Subjects:   []string{Prefix + ".*.postback.out.>"},
	MaxAge:     7 * 24 * time.Hour,
	WorkQueue:  true,
	Duplicates: 2 * time.Minute,
}

// Postback job kinds: who receives the delivery.
const (
	PostbackPartner = "partner" // a partner's postback URL; {payout} is the partner's commission
	PostbackWebhook = "webhook" // the advertiser's own webhook; may carry revenue
)

// OutgoingPostback is the OutgoingPostbackJob payload: one attempt of one logical delivery.
// It carries everything the format plugin needs except the signing secret,
// which stays sealed in PostgreSQL and is read at send time.
type OutgoingPostback struct {
	// DeliveryID is the logical delivery's idempotency id, stable across
	// retries and replays.
	DeliveryID   string        `json:"id"`
	TenantID     core.TenantID `json:"tenant_id"`
	Kind         string        `json:"kind"`
	PartnerID    string        `json:"partner_id,omitempty"` // the receiving partner (partner kind)
	EndpointID   string        `json:"endpoint_id"`
	ConversionID string        `json:"conversion_id,omitempty"`
	OfferID      string        `json:"offer_id,omitempty"`
	Event        string        `json:"event"`  // the conversion's event name
	Status       string        `json:"status"` // the conversion's status after the transition
	// URL, Method, Format and Sign are the receiver's settings when the job
	// was made (a replay takes the current ones).
	URL    string `json:"url"`
	Method string `json:"method"`
	Format string `json:"format"`
	Sign   bool   `json:"sign,omitempty"`
	// Values are the macro values (for partners never the advertiser's revenue).
	Values map[string]string `json:"values"`
	// Attempt is the number of the attempt this job makes (1-based).
	Attempt int `json:"attempt"`
	// Deferrals counts how often the attempt was put off because its
	// receiver was saturated (not an attempt: nothing was sent).
	Deferrals int `json:"deferrals,omitempty"`
	// FirstAt starts the give-up clock (reset by a manual replay).
	FirstAt time.Time `json:"first_at"`
	Test    bool      `json:"test,omitempty"`
}

// MsgID is the bus de-duplication id of this attempt.
func (p OutgoingPostback) MsgID() string {
	return p.DeliveryID + "." + strconv.Itoa(p.Attempt) + "." + strconv.Itoa(p.Deferrals)
}
