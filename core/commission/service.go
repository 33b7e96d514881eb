package commission

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// State is where a conversion's commission stands in the partner's ledger.
type State string

// Commission states; each but StateNone is a ledger account of the partner.
const (
	StateNone      State = "none"      // no money: test, fraud, no partner, nothing earned yet
	StatePending   State = "pending"   // conversion pending (or on the advertiser's hold)
	StateHold      State = "hold"      // approved, inside the hold period
	StateAvailable State = "available" // approved and released
	StateReversed  State = "reversed"  // rejected or charged back after it carried money
)

// live reports whether commission in state s counts as earned (not reversed).
func (s State) live() bool { return s == StatePending || s == StateHold || s == StateAvailable }

// Position is the commission state of one conversion.
type Position struct {
	ConversionID  string
	PartnerID     string
	OfferID       string
	CampaignID    string
	Event         string
	Status        string
	State         State
	LastSeq       int64
	Test          bool
	Fraud         bool
	Revenue       core.Money
	RevenueBooked core.Decimal // revenue recognised in the ledger, in Revenue.Currency
	TermsID       string
	TermsScope    Scope
	Terms         ModelTerms // snapshot reused by every later transition
	Period        time.Time  // first day of the month the commission was approved in
	ApprovedAt    time.Time
	HoldUntil     time.Time
	OccurredAt    time.Time
	Lines         []core.Money // commission per currency (never zero)
}

// Transition is a decided transition and the event published for it.
type Transition struct {
	ConversionID string
	Seq          int64
	Status       string
	Moved        bool
	Payload      event.Commission
}

// Actor is who made a change, for the audit log.
type Actor struct {
	Kind string // user, partner, api_key, system
	ID   string
	IP   string
}

// HistoryQuery selects the conversions a History covers.
type HistoryQuery struct {
	PartnerID  string
	Period     time.Time
	Currency   core.Currency
	OfferID    string // filter when the terms attach to an offer
	CampaignID string // filter when the terms attach to a campaign
	ExcludeID  string // the conversion being decided
	// InCurrency counts only conversions with commission in Currency
	// (period close, which runs per currency).
	InCurrency bool
}

// DueRelease names a conversion whose hold period is over.
type DueRelease struct {
	TenantID     core.TenantID
	ConversionID string
	PartnerID    string
}

// PeriodRef names a tenant's commission period.
type PeriodRef struct {
	TenantID core.TenantID
	Period   time.Time
}

// PartnerCurrency names a partner's balance in one currency.
type PartnerCurrency struct {
	PartnerID string
	Currency  core.Currency
}

// Store persists terms and commission state. Its methods join the
// transaction InTx put in ctx.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	CreateTerms(ctx context.Context, tenant core.TenantID, t Terms, by Actor) error
	EndTerms(ctx context.Context, tenant core.TenantID, id string, at time.Time, by Actor) (Terms, error)
	GetTerms(ctx context.Context, tenant core.TenantID, id string) (Terms, error)
	ListTerms(ctx context.Context, tenant core.TenantID, f TermsFilter) ([]Terms, error)
	// CandidateTerms returns every terms row that may apply to the
	// conversion (Pick chooses among them).
	CandidateTerms(ctx context.Context, tenant core.TenantID, partner, offer, campaign string) ([]Terms, error)

	// Conversion returns a conversion's position, locked for update.
	Conversion(ctx context.Context, tenant core.TenantID, id string) (Position, bool, error)
	SaveConversion(ctx context.Context, tenant core.TenantID, p Position) error
	Transition(ctx context.Context, tenant core.TenantID, conversionID string, seq int64) (Transition, bool, error)
	SaveTransition(ctx context.Context, tenant core.TenantID, t Transition) error
	History(ctx context.Context, tenant core.TenantID, q HistoryQuery) (History, error)
	DueReleases(ctx context.Context, now time.Time, limit int) ([]DueRelease, error)

	// PeriodPartners lists the partners and currencies a period close
	// covers: approved commission in the period, or a carried-over balance.
	PeriodPartners(ctx context.Context, tenant core.TenantID, period time.Time) ([]PartnerCurrency, error)
	PartnerClosed(ctx context.Context, tenant core.TenantID, period time.Time, pc PartnerCurrency) (bool, error)
	SavePartnerClose(ctx context.Context, tenant core.TenantID, period time.Time, pc PartnerCurrency, summary []Amount) error
	MarkPeriodClosed(ctx context.Context, tenant core.TenantID, period time.Time, by Actor) error
	// PeriodsToClose lists unclosed periods that ended before now.
	PeriodsToClose(ctx context.Context, before time.Time) ([]PeriodRef, error)
	ClosedPeriods(ctx context.Context, tenant core.TenantID) ([]ClosedPeriod, error)
}

// Entry is one line of a Posting: an amount on a ledger account.
type Entry struct {
	PartnerID string
	Account   string // a ledger account kind: pending, hold, available, reversed, carryover, cost, revenue, receivable
	Currency  core.Currency
	Amount    core.Decimal
	Spill     bool // the ledger's available-balance rule applies
}

// Posting is a ledger transaction: balanced entries recorded once under Key.
type Posting struct {
	Key          string
	Kind         string
	PartnerID    string
	ConversionID string
	Memo         string
	Entries      []Entry
}

// Ledger is what the commission flow needs from the ledger.
type Ledger interface {
	LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error
	Post(ctx context.Context, tenant core.TenantID, p Posting) (duplicate bool, err error)
	Balance(ctx context.Context, tenant core.TenantID, partnerID, account string, currency core.Currency) (core.Decimal, error)
}

// Offers reads an offer's default payout (its CPA commission).
type Offers interface {
	OfferPayout(ctx context.Context, tenant core.TenantID, offerID string) (core.Money, error)
}

// Settings are the partner's money settings.
type Settings interface {
	HoldPeriod(ctx context.Context, tenant core.TenantID, partnerID string) (time.Duration, error)
	NegativeCarryover(ctx context.Context, tenant core.TenantID, partnerID string) (bool, error)
}

// Service decides commissions and moves them through the ledger.
type Service struct {
	store    Store
	ledger   Ledger
	model    Model
	offers   Offers
	settings Settings
	bus      event.Publisher
	clock    core.Clock
}

// Deps are the Service's dependencies.
type Deps struct {
	Store    Store
	Ledger   Ledger
	Model    Model
	Offers   Offers
	Settings Settings
	Bus      event.Publisher
	Clock    core.Clock
}

// NewService returns a commission service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, ledger: d.Ledger, model: d.Model, offers: d.Offers, settings: d.Settings,
		bus: d.Bus, clock: d.Clock}
}

// PeriodOf returns the first instant of t's calendar month (UTC): the
// commission period t falls in.
func PeriodOf(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// PeriodEnd returns the first instant after period.
func PeriodEnd(period time.Time) time.Time { return period.AddDate(0, 1, 0) }
