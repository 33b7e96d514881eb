// Package payout pays partners what the ledger says they are owed.
//
// A partner sets a payout method (a crypto address with its network and
// memo/tag, or bank or manual details). A payout request — by the partner,
// by finance, or by the tenant's schedule — reserves money from the
// partner's available balance (available → in_payout, converted into the
// method's currency at the day's FX rate) after checking the minimum
// threshold. Finance approves it (scope payouts:approve), alone or in a
// batch; the payout is then sent through a payout rail with the payout's id
// as idempotency key. The built-in "manual" rail waits for finance to mark
// the payout paid with a reference (or failed); exchange rails are plugins
// behind the same Rail interface. Paid moves in_payout → paid; failed or
// cancelled moves the money back to available.
//
// Status: requested → approved → sending → paid | failed, and requested or
// approved → cancelled. Every step is a conditional state change in the
// same transaction as its ledger posting, so a payout is reserved once,
// sent by one node at a time, and settled once (paid or released, never
// both: the ledger's SQL enforces it too).
package payout

import (
	"context"
	"log/slog"
	"time"

	"github.com/affcore/affcore/core"
)

// Status is a payout's status.
type Status string

// Payout statuses.
const (
	StatusRequested Status = "requested"
	StatusApproved  Status = "approved"
	StatusSending   Status = "sending"
	StatusPaid      Status = "paid"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// Payout is a request to pay a partner, and what became of it.
type Payout struct {
	ID                   string        `json:"id"`
	PartnerID            string        `json:"partner_id"`
	Status               Status        `json:"status"`
	Amount               core.Decimal  `json:"amount"`
	Currency             core.Currency `json:"currency"`
	SourceAmount         core.Decimal  `json:"source_amount"`
	SourceCurrency       core.Currency `json:"source_currency"`
	FXRate               string        `json:"fx_rate,omitempty"`
	FXDay                *time.Time    `json:"fx_day,omitempty"`
	Method               Method        `json:"method"`
	Rail                 string        `json:"rail"`
	RequestKey           string        `json:"-"`
	BatchID              string        `json:"batch_id,omitempty"`
	RequestedByKind      string        `json:"requested_by_kind"`
	RequestedBy          string        `json:"requested_by"`
	ApprovedBy           string        `json:"approved_by,omitempty"`
	ApprovedAt           *time.Time    `json:"approved_at,omitempty"`
	SentAt               *time.Time    `json:"sent_at,omitempty"`
	PaidAt               *time.Time    `json:"paid_at,omitempty"`
	FailedAt             *time.Time    `json:"failed_at,omitempty"`
	CancelledAt          *time.Time    `json:"cancelled_at,omitempty"`
	Reference            string        `json:"reference,omitempty"`
	RailTxID             string        `json:"rail_tx_id,omitempty"`
	FailureReason        string        `json:"failure_reason,omitempty"`
	Attempts             int           `json:"attempts"`
	NextAttemptAt        *time.Time    `json:"-"`
	LeaseUntil           *time.Time    `json:"-"`
	AwaitingConfirmation bool          `json:"awaiting_confirmation"`
	CreatedAt            time.Time     `json:"created_at"`
	UpdatedAt            time.Time     `json:"updated_at"`
}

// HistoryEntry is one status a payout went through.
type HistoryEntry struct {
	Status    Status    `json:"status"`
	ActorKind string    `json:"actor_kind"`
	ActorID   string    `json:"actor_id"`
	Detail    string    `json:"detail,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Actor is who made a change.
type Actor struct {
	Kind string // user, partner, api_key, system
	ID   string
	IP   string
}

// SystemActor is the actor of scheduled work.
func SystemActor() Actor { return Actor{Kind: "system", ID: "scheduler"} }

// Filter selects payouts; Before pages backwards by creation.
type Filter struct {
	PartnerID string
	Status    Status
	BatchID   string
	Before    string // a payout id
	Limit     int
}

// Ref names a payout of a tenant.
type Ref struct {
	TenantID core.TenantID
	ID       string
}

// Entry and Posting describe a ledger transaction (see core/ledger).
type Entry struct {
	PartnerID string
	Account   string
	Currency  core.Currency
	Amount    core.Decimal
	Spill     bool
}

// Posting is a ledger transaction recorded once under Key.
type Posting struct {
	Key       string
	Kind      string
	PartnerID string
	PayoutID  string
	Memo      string
	Entries   []Entry
}

// Ledger is what payouts need from the ledger.
type Ledger interface {
	LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error
	Post(ctx context.Context, tenant core.TenantID, p Posting) (duplicate bool, err error)
	// Available returns the partner's positive available balances.
	Available(ctx context.Context, tenant core.TenantID, partnerID string) ([]core.Money, error)
	// Convert converts at the FX rate of day and returns the rate used.
	Convert(ctx context.Context, tenant core.TenantID, amount core.Money, to core.Currency, day time.Time) (core.Money, string, error)
}

// Service runs the payout workflow.
type Service struct {
	store  Store
	ledger Ledger
	rails  map[string]Rail
	clock  core.Clock
	log    *slog.Logger
}

// NewService returns a payout service. rails maps rail names to rails; the
// built-in manual rail is added when missing.
func NewService(store Store, ledger Ledger, rails []Rail, clock core.Clock, log *slog.Logger) *Service {
	m := map[string]Rail{}
	for _, r := range rails {
		m[r.Name()] = r
	}
	if _, ok := m[ManualRailName]; !ok {
		m[ManualRailName] = ManualRail{}
	}
	return &Service{store: store, ledger: ledger, rails: m, clock: clock, log: log}
}
