package event

import "github.com/affcore/affcore/core"

// CommissionDecided is published by the ledger after it has decided a
// partner's commission for one conversion transition (also when the
// commission is zero, e.g. a rejection, a test or a fraud-flagged click).
// Outgoing partner postbacks consume it: their {payout} is the partner's
// commission, never the advertiser's revenue.
const CommissionDecided = "ledger.commission.v1"

// Commission is the CommissionDecided payload.
type Commission struct {
	Conversion Conversion `json:"conversion"`
	// Commission is the partner's commission on this conversion after the
	// transition (e.g. 0 after a rejection), in Currency.
	Commission core.Decimal  `json:"commission"`
	Currency   core.Currency `json:"currency"`
	// Delta is what this transition moved (negative for a reversal).
	Delta core.Decimal `json:"delta"`
	// Moved is false when no money moved (test conversion, fraud, no partner).
	Moved bool `json:"moved"`
	// Amounts lists the commission per currency when it is paid in more than
	// one (a hybrid deal with a fixed part in another currency); Commission
	// and Currency then report one of them. Empty otherwise.
	Amounts []core.Money `json:"amounts,omitempty"`
}

// MsgID is the bus de-duplication id.
func (c Commission) MsgID() string { return "commission." + c.Conversion.MsgID() }
