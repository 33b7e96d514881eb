package postback

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// EndpointStore keeps postback settings. Every method is scoped to the
// tenant and owner: another tenant's or partner's ids are not found.
type EndpointStore interface {
	// CreateEndpoint stores a new endpoint; a second global postback for a
	// partner is a conflict.
	CreateEndpoint(ctx context.Context, e Endpoint) error
	UpdateEndpoint(ctx context.Context, e Endpoint) error
	DeleteEndpoint(ctx context.Context, tenant core.TenantID, o Owner, id string) error
	Endpoint(ctx context.Context, tenant core.TenantID, o Owner, id string) (Endpoint, error)
	// GlobalEndpoint returns a partner's global postback (offer "").
	GlobalEndpoint(ctx context.Context, tenant core.TenantID, partnerID string) (Endpoint, error)
	// Endpoints lists an owner's endpoints, global first, then by creation.
	Endpoints(ctx context.Context, tenant core.TenantID, o Owner) ([]Endpoint, error)
	// PartnerExists returns a not-found error unless the partner belongs to tenant.
	PartnerExists(ctx context.Context, tenant core.TenantID, partnerID string) error
}

// PartnerKey names one partner of one tenant.
type PartnerKey struct {
	TenantID  core.TenantID
	PartnerID string
}

// PlanStore reads the enabled endpoints the planner needs, for many events at once.
type PlanStore interface {
	PartnerEndpoints(ctx context.Context, keys []PartnerKey) ([]Endpoint, error)
	Webhooks(ctx context.Context, tenants []core.TenantID) ([]Endpoint, error)
}

// SecretStore keeps sealed signing secrets, one per partner and one for the
// tenant's webhooks (key "").
type SecretStore interface {
	SaveSecret(ctx context.Context, tenant core.TenantID, key string, sealed []byte) error
	// Secret returns the sealed secret, or a not-found error.
	Secret(ctx context.Context, tenant core.TenantID, key string) ([]byte, error)
}

// DeliveryStore is the delivery log and the schedule of future attempts.
type DeliveryStore interface {
	// RecordResults upserts each delivery's state and inserts its attempt,
	// all in one transaction. A result never moves a delivery backwards
	// (an older attempt than the stored one is ignored).
	RecordResults(ctx context.Context, results []Result) error
	// DeliveryStates returns the state of the deliveries that exist among ids.
	DeliveryStates(ctx context.Context, ids []string) (map[string]DeliveryState, error)
	// ClaimDue locks up to limit deliveries whose next attempt is due,
	// calls publish with their jobs, and marks them queued when publish
	// succeeds — all in one transaction, so a crash re-publishes (the bus
	// de-duplicates) rather than loses them.
	ClaimDue(ctx context.Context, now time.Time, limit int, publish func(context.Context, []event.OutgoingPostback) error) (int, error)
	Deliveries(ctx context.Context, tenant core.TenantID, f Filter) ([]Delivery, error)
	Delivery(ctx context.Context, tenant core.TenantID, id string) (Delivery, error)
	Attempts(ctx context.Context, tenant core.TenantID, id string) ([]Attempt, error)
	// ScheduleReplay makes a failed or delivered delivery due now with job
	// as its next attempt; any other status is a conflict.
	ScheduleReplay(ctx context.Context, tenant core.TenantID, id string, job event.OutgoingPostback, now time.Time) error
}

// Store is everything the Service needs from storage.
type Store interface {
	EndpointStore
	SecretStore
	DeliveryStore
}
