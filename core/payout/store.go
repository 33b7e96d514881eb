package payout

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
)

// Store persists payouts, methods and settings. Its methods join the
// transaction InTx put in ctx.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// PartnerExists reports whether the partner belongs to the tenant.
	PartnerExists(ctx context.Context, tenant core.TenantID, partnerID string) (bool, error)

	// Settings returns the tenant's settings (defaults when never saved).
	Settings(ctx context.Context, tenant core.TenantID) (Settings, error)
	SaveSettings(ctx context.Context, tenant core.TenantID, s Settings, by Actor) error
	// PartnerSettings returns a partner's overrides (empty when never saved).
	PartnerSettings(ctx context.Context, tenant core.TenantID, partnerID string) (PartnerSettings, error)
	SavePartnerSettings(ctx context.Context, tenant core.TenantID, s PartnerSettings, by Actor) error

	Method(ctx context.Context, tenant core.TenantID, partnerID string) (Method, bool, error)
	SaveMethod(ctx context.Context, tenant core.TenantID, partnerID string, m Method, by Actor) error

	CreatePayout(ctx context.Context, tenant core.TenantID, p Payout, by Actor) error
	PayoutByKey(ctx context.Context, tenant core.TenantID, key string) (Payout, bool, error)
	// Payout returns one payout; inside a transaction it is locked for update.
	Payout(ctx context.Context, tenant core.TenantID, id string) (Payout, error)
	// UpdatePayout saves a changed payout and appends its status to the history.
	UpdatePayout(ctx context.Context, tenant core.TenantID, p Payout, by Actor, detail string) error
	Payouts(ctx context.Context, tenant core.TenantID, f Filter) ([]Payout, error)
	History(ctx context.Context, tenant core.TenantID, id string) ([]HistoryEntry, error)

	// DueSends lists payouts to send or to ask their rail about.
	DueSends(ctx context.Context, now time.Time, limit int) ([]Ref, error)
	RecordRailCall(ctx context.Context, tenant core.TenantID, c RailCall) error

	CreateBatch(ctx context.Context, tenant core.TenantID, b Batch, by Actor) (Batch, bool, error)
	AddToBatch(ctx context.Context, tenant core.TenantID, batchID string, payoutIDs []string) error
	Batch(ctx context.Context, tenant core.TenantID, id string) (Batch, error)
	Batches(ctx context.Context, tenant core.TenantID) ([]Batch, error)
	// ScheduledTenants lists tenants whose settings schedule payouts.
	ScheduledTenants(ctx context.Context) ([]core.TenantID, error)
	// PartnersWithMethod lists partners with a payout method and a positive
	// available balance.
	PartnersWithMethod(ctx context.Context, tenant core.TenantID) ([]string, error)
}

// RailCall records one call to a payout rail.
type RailCall struct {
	PayoutID       string
	Rail           string
	IdempotencyKey string
	Attempt        int
	Result         string
	Detail         string
}
