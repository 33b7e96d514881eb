package delivery

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// Planner turns bus events into delivery jobs: CommissionDecided into
// partner postbacks, ConversionChanged into tenant webhooks. It reads the
// endpoints of a whole batch of events in one query and publishes the jobs
// before acknowledging the events, so a crash repeats (and the bus
// de-duplicates) rather than loses.
type Planner struct {
	store postback.PlanStore
	queue *Queue
	log   *slog.Logger
}

// NewPlanner returns a Planner.
func NewPlanner(store postback.PlanStore, queue *Queue, log *slog.Logger) *Planner {
	return &Planner{store: store, queue: queue, log: log}
}

// Commissions plans the partner postbacks of a batch of CommissionDecided messages.
func (p *Planner) Commissions(ctx context.Context, msgs []jetstream.Msg) error {
	evs, _ := decodeAll[event.Commission](msgs, p.log)
	var keys []postback.PartnerKey
	for _, e := range evs {
		k := postback.PartnerKey{TenantID: e.Conversion.TenantID, PartnerID: e.Conversion.PartnerID}
		if k.PartnerID != "" && !e.Conversion.Test && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	eps, err := p.store.PartnerEndpoints(ctx, keys)
	if err != nil {
		return err
	}
	byPartner := map[postback.PartnerKey][]postback.Endpoint{}
	for _, e := range eps {
		k := postback.PartnerKey{TenantID: e.TenantID, PartnerID: e.PartnerID}
		byPartner[k] = append(byPartner[k], e)
	}
	now := time.Now()
	var jobs []event.OutgoingPostback
	for _, e := range evs {
		k := postback.PartnerKey{TenantID: e.Conversion.TenantID, PartnerID: e.Conversion.PartnerID}
		jobs = append(jobs, postback.PlanPartner(e, byPartner[k], now)...)
	}
	return p.queue.Publish(ctx, jobs)
}

// Conversions plans the webhooks of a batch of ConversionChanged messages.
func (p *Planner) Conversions(ctx context.Context, msgs []jetstream.Msg) error {
	evs, _ := decodeAll[event.Conversion](msgs, p.log)
	var tenants []core.TenantID
	for _, e := range evs {
		if !slices.Contains(tenants, e.TenantID) {
			tenants = append(tenants, e.TenantID)
		}
	}
	if len(tenants) == 0 {
		return nil
	}
	hooks, err := p.store.Webhooks(ctx, tenants)
	if err != nil {
		return err
	}
	byTenant := map[core.TenantID][]postback.Endpoint{}
	for _, h := range hooks {
		byTenant[h.TenantID] = append(byTenant[h.TenantID], h)
	}
	now := time.Now()
	var jobs []event.OutgoingPostback
	for _, e := range evs {
		jobs = append(jobs, postback.PlanWebhooks(e, byTenant[e.TenantID], now)...)
	}
	return p.queue.Publish(ctx, jobs)
}
