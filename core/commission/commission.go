// Package commission decides what partners earn and books it in the ledger.
//
// Terms attach at partner, offer or campaign level with effective dates (see
// terms.go for the precedence). For every conversion transition the Service
// resolves the terms in effect when the conversion occurred, gathers the
// partner's history in the current period, and asks the commission hook — a
// Model — for the amounts. First-party models (CPA, CPL, RevShare, Hybrid,
// Tiered, threshold bonuses, negative carryover) are plain Go served through
// the same hook that tenant plugins use. The decided commission then moves
// through the partner's ledger accounts as the conversion's status changes:
// pending → hold (approved) → available (hold period over), or reversed
// (rejected or charged back). Test conversions and fraud-flagged clicks never
// move money. At period close (monthly) the hook decides threshold bonuses and
// what happens to a negative balance: carried into the next period or reset.
//
// Every transition publishes one event.Commission (CommissionDecided), also
// when no money moved. Failures are returned to the bus for a retry: money is
// never guessed.
package commission

import (
	"context"
	"encoding/json"
	"time"

	"github.com/affcore/affcore/core"
)

// Trigger says why the commission hook is called.
type Trigger string

// Triggers of the commission hook.
const (
	TriggerConversion  Trigger = "conversion"   // a conversion was created or changed status
	TriggerPeriodClose Trigger = "period_close" // a commission period (a calendar month, UTC) ended
)

// Input is what the commission hook receives. The plugin platform's hook
// contract (pdk) uses the same names.
type Input struct {
	Trigger Trigger
	// Conversion is set for TriggerConversion.
	Conversion *Conversion
	// Terms are the partner's terms that apply (for period close: the
	// partner-level terms in effect at the period's end; may be empty).
	Terms   ModelTerms
	History History
}

// Conversion is the conversion a commission is decided for.
type Conversion struct {
	ID         string
	Event      string
	Status     string
	PrevStatus string
	Revenue    core.Decimal
	Currency   core.Currency
	OfferID    string
	CampaignID string
	PartnerID  string
	OccurredAt time.Time
	Test       bool
}

// ModelTerms names a model and its parameters (JSON, validated by the model).
type ModelTerms struct {
	Model  string          `json:"model"`
	Params json.RawMessage `json:"params"`
}

// History is the partner's record in the current period, in one currency.
// For a conversion it excludes the conversion being decided and covers the
// conversions under the same terms scope (partner, offer or campaign).
type History struct {
	PeriodStart time.Time
	PeriodEnd   time.Time
	Currency    core.Currency
	// ApprovedCount and ApprovedRevenue cover conversions approved in the
	// period that are still approved (revenue in Currency only).
	ApprovedCount   int64
	ApprovedRevenue core.Decimal
	// Commission is the commission of those conversions in Currency.
	Commission core.Decimal
	// Carryover is the partner's carried-over balance in Currency (≤ 0).
	Carryover core.Decimal
	// NegativeCarryover is the partner's policy: true carries a negative
	// balance into the next period, false resets it at period close.
	NegativeCarryover bool
}

// AmountKind classifies an amount the hook returns.
type AmountKind string

// Amount kinds.
const (
	AmountCommission AmountKind = "commission"
	AmountBonus      AmountKind = "bonus"
	// AmountCarryover (period close only) is the negative balance to carry
	// into the next period; 0 resets it.
	AmountCarryover AmountKind = "carryover"
)

// Amount is one amount decided by the hook.
type Amount struct {
	Kind     AmountKind
	Amount   core.Decimal
	Currency core.Currency
	Memo     string
}

// Output is what the commission hook returns.
type Output struct {
	Amounts []Amount
}

// Model is the commission hook: first-party models in process, or a
// tenant's plugin. Decide must be deterministic for its input; an error
// fails the step closed (the bus retries it).
type Model interface {
	Decide(ctx context.Context, tenant core.TenantID, in Input) (Output, error)
	// Validate checks a model name and its parameters when terms are saved;
	// a KindInvalid error names the field (e.g. "params.amount").
	Validate(ctx context.Context, tenant core.TenantID, model string, params json.RawMessage) error
}

// HistoryReader is implemented by a Model that can tell when a
// conversion's commission does not depend on the partner's period history
// (Input.History). The engine then does not read it: that read scans the
// partner's whole period, a cost that grows with every conversion booked.
// Models that do not implement it always get the history.
type HistoryReader interface {
	ReadsHistory(ctx context.Context, tenant core.TenantID, terms ModelTerms) bool
}

// MaxAmount bounds any single amount a model may return (one billion), so a
// plugin that lies cannot book absurd sums.
const MaxAmount = 1_000_000_000
