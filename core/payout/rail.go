package payout

import (
	"context"

	"github.com/affcore/affcore/core"
)

// RailStatus is what a rail says about a payout it was given.
type RailStatus string

// Rail statuses.
const (
	RailPending RailStatus = "pending" // accepted, not final yet (ask again later, same key)
	RailPaid    RailStatus = "paid"    // the money left; final
	RailFailed  RailStatus = "failed"  // refused for good; final (the money returns to available)
)

// SendRequest is a payout handed to a rail.
type SendRequest struct {
	// IdempotencyKey is the same for every attempt of one payout (its id):
	// a rail must never pay twice for one key. A rail whose exchange has no
	// client id reconciles by status before re-sending.
	IdempotencyKey string
	PayoutID       string
	PartnerID      string
	Amount         core.Money
	Method         Method
	Attempt        int
}

// SendResult is a rail's answer.
type SendResult struct {
	Status    RailStatus
	TxID      string // the rail's id for the transfer
	Reference string // a human reference (bank reference, chain tx hash)
	Reason    string // why it failed
	// AwaitsConfirmation means the rail will not settle the payout on its
	// own: a person confirms it (the manual rail).
	AwaitsConfirmation bool
}

// Rail sends payouts: the payout-rail hook. Send is idempotent by
// IdempotencyKey: calling it again for a key returns the state of the first
// send. A returned error is transient (the payout is retried with the same
// key); a permanent refusal is a RailFailed result.
type Rail interface {
	Name() string
	Send(ctx context.Context, tenant core.TenantID, req SendRequest) (SendResult, error)
}

// ManualRailName names the built-in manual rail.
const ManualRailName = "manual"

// ManualRail is the built-in rail: finance pays outside affcore and marks
// the payout paid with a reference (or failed). Send only records that the
// payout awaits that confirmation.
type ManualRail struct{}

// Name implements Rail.
func (ManualRail) Name() string { return ManualRailName }

// Send implements Rail.
func (ManualRail) Send(context.Context, core.TenantID, SendRequest) (SendResult, error) {
	return SendResult{Status: RailPending, AwaitsConfirmation: true}, nil
}
