package payout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// Batch groups payouts that finance approves together.
type Batch struct {
	ID        string    `json:"id"`
	Key       string    `json:"-"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	PayoutIDs []string  `json:"payout_ids"`
}

// CreateBatch groups requested payouts into a new batch: the given ids, or
// every requested payout not in a batch yet.
func (s *Service) CreateBatch(ctx context.Context, tenant core.TenantID, ids []string, by Actor) (Batch, error) {
	if len(ids) == 0 {
		ps, err := s.store.Payouts(ctx, tenant, Filter{Status: StatusRequested, Limit: 1000})
		if err != nil {
			return Batch{}, err
		}
		for _, p := range ps {
			if p.BatchID == "" {
				ids = append(ids, p.ID)
			}
		}
	}
	if len(ids) == 0 {
		return Batch{}, core.Invalid("payout_ids", "no requested payouts to batch")
	}
	for i, id := range ids {
		p, err := s.store.Payout(ctx, tenant, id)
		if err != nil {
			return Batch{}, core.Invalid(fmt.Sprintf("payout_ids[%d]", i), "no such payout")
		}
		if p.Status != StatusRequested || p.BatchID != "" {
			return Batch{}, core.Invalid(fmt.Sprintf("payout_ids[%d]", i), "must be a requested payout not in a batch")
		}
	}
	now := s.clock.Now()
	b := Batch{ID: core.NewIDAt("pbat", now), CreatedBy: by.ID, CreatedAt: now}
	b.Key = b.ID
	return s.fillBatch(ctx, tenant, b, ids, by)
}

func (s *Service) fillBatch(ctx context.Context, tenant core.TenantID, b Batch, ids []string, by Actor) (Batch, error) {
	var out Batch
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		got, _, err := s.store.CreateBatch(ctx, tenant, b, by)
		if err != nil {
			return err
		}
		if err := s.store.AddToBatch(ctx, tenant, got.ID, ids); err != nil {
			return err
		}
		out, err = s.store.Batch(ctx, tenant, got.ID)
		return err
	})
	return out, err
}

// Batch returns a batch with its payouts' ids.
func (s *Service) Batch(ctx context.Context, tenant core.TenantID, id string) (Batch, error) {
	return s.store.Batch(ctx, tenant, id)
}

// Batches lists the tenant's batches, newest first.
func (s *Service) Batches(ctx context.Context, tenant core.TenantID) ([]Batch, error) {
	return s.store.Batches(ctx, tenant)
}

// ApproveBatch approves every payout of the batch still requested and
// returns the batch's payouts as they stand.
func (s *Service) ApproveBatch(ctx context.Context, tenant core.TenantID, id string, by Actor) ([]Payout, error) {
	b, err := s.store.Batch(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	out := make([]Payout, 0, len(b.PayoutIDs))
	for _, pid := range b.PayoutIDs {
		p, err := s.Approve(ctx, tenant, pid, by)
		if core.KindOf(err) == core.KindConflict {
			p, err = s.store.Payout(ctx, tenant, pid) // not requested any more: report it as it is
		}
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

// RunSchedule creates the scheduled payout requests of the current window
// (ISO week or calendar month) for every tenant on a schedule: one request
// per partner and available currency, collected in one batch per window
// for finance to approve. Keys make a window's requests once, however
// often it runs.
func (s *Service) RunSchedule(ctx context.Context) error {
	tenants, err := s.store.ScheduledTenants(ctx)
	if err != nil {
		return fmt.Errorf("scheduled tenants: %w", err)
	}
	var errs []error
	for _, t := range tenants {
		if err := s.scheduleTenant(ctx, t); err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) scheduleTenant(ctx context.Context, tenant core.TenantID) error {
	st, err := s.store.Settings(ctx, tenant)
	if err != nil || st.Schedule == ScheduleManual {
		return err
	}
	now := s.clock.Now().UTC()
	window := now.Format("2006-01")
	if st.Schedule == ScheduleWeekly {
		y, w := now.ISOWeek()
		window = fmt.Sprintf("%d-W%02d", y, w)
	}
	partners, err := s.store.PartnersWithMethod(ctx, tenant)
	if err != nil {
		return err
	}
	var ids []string
	for _, partner := range partners {
		ids = append(ids, s.schedulePartner(ctx, tenant, window, partner)...)
	}
	if len(ids) == 0 {
		return nil
	}
	b := Batch{ID: core.NewIDAt("pbat", now), Key: "schedule:" + window, CreatedBy: SystemActor().ID, CreatedAt: now}
	_, err = s.fillBatch(ctx, tenant, b, ids, SystemActor())
	return err
}

// schedulePartner requests a payout of each available currency and returns
// the new requests' ids; balances below the minimum wait for a later window.
func (s *Service) schedulePartner(ctx context.Context, tenant core.TenantID, window, partner string) []string {
	avail, err := s.ledger.Available(ctx, tenant, partner)
	if err != nil {
		s.log.Warn("scheduled payout: balances", "tenant_id", tenant, "partner_id", partner, "err", err)
		return nil
	}
	var ids []string
	for _, m := range avail {
		key := fmt.Sprintf("schedule:%s:%s:%s", window, partner, m.Currency)
		p, err := s.Request(ctx, tenant, RequestInput{PartnerID: partner, Currency: m.Currency, Key: key}, SystemActor())
		switch {
		case core.KindOf(err) == core.KindInvalid:
			continue
		case err != nil:
			s.log.Warn("scheduled payout failed", "tenant_id", tenant, "partner_id", partner, "currency", m.Currency, "err", err)
		case p.Status == StatusRequested && p.BatchID == "":
			ids = append(ids, p.ID)
		}
	}
	return ids
}
