package event

import (
	"strconv"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
)

// ConversionChanged is published when a conversion is created or its status
// changes. Consumers: commission and ledger, outgoing partner postbacks,
// ad-platform forwarding, rules.
const ConversionChanged = "conversion.changed.v1"

// Conversion statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
	StatusHold     = "hold"
)

// Conversion is the ConversionChanged payload. ConversionID + Seq identifies
// one transition; consumers use it as their idempotency key.
type Conversion struct {
	TenantID     core.TenantID `json:"tenant_id"`
	ConversionID string        `json:"conversion_id"`
	// Seq numbers the conversion's transitions: 1 = created, 2 = first status change...
	Seq        int64  `json:"seq"`
	ClickID    string `json:"click_id"`
	CampaignID string `json:"campaign_id"`
	OfferID    string `json:"offer_id"`
	PartnerID  string `json:"partner_id,omitempty"`
	SourceID   string `json:"source_id,omitempty"`
	// Event is the postback's event name ("conversion" when none was given).
	Event      string `json:"event"`
	Status     string `json:"status"`
	PrevStatus string `json:"prev_status,omitempty"` // empty on creation
	// Revenue is what the conversion is worth to the advertiser (the postback's payout/revenue).
	Revenue  core.Decimal  `json:"revenue"`
	Currency core.Currency `json:"currency"`
	TxID     string        `json:"tx_id,omitempty"`
	// Test conversions never move money.
	Test bool `json:"test"`
	// Fraud is set when the click was flagged as fraud; such conversions never move money.
	Fraud      bool      `json:"fraud"`
	Country    string    `json:"country,omitempty"`
	Device     string    `json:"device,omitempty"`
	Subs       [5]string `json:"subs"`
	ClickedAt  time.Time `json:"clicked_at"`
	OccurredAt time.Time `json:"occurred_at"`
}

// MsgID is the bus de-duplication id of this transition.
func (c Conversion) MsgID() string {
	return c.ConversionID + "." + strconv.FormatInt(c.Seq, 10)
}

// ConversionOfMsgID returns the conversion a ConversionChanged message id
// (MsgID) names: the key that keeps one conversion's transitions in order.
func ConversionOfMsgID(id string) string {
	if i := strings.LastIndexByte(id, '.'); i >= 0 {
		return id[:i]
	}
	return id
}
