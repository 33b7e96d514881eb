package payout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// Sending timing.
const (
	// leaseFor bounds one rail call: if a node dies mid-call, another one
	// asks the rail again (same idempotency key) after the lease.
	leaseFor = 2 * time.Minute
	// pollEvery is how soon a rail that answered pending is asked again.
	pollEvery = time.Minute
)

// Dispatch sends an approved payout through its rail, or asks the rail
// about a payout it accepted before. One node at a time holds a payout (a
// lease in the database); every call carries the payout's id as the
// idempotency key, so a retried call never pays twice.
func (s *Service) Dispatch(ctx context.Context, tenant core.TenantID, id string) error {
	p, claimed, err := s.claim(ctx, tenant, id)
	if err != nil || !claimed {
		return err
	}
	rail, ok := s.rails[p.Rail]
	if !ok {
		return s.retryLater(ctx, tenant, p, fmt.Errorf("payout rail %q is not available", p.Rail))
	}
	res, err := rail.Send(ctx, tenant, SendRequest{IdempotencyKey: p.ID, PayoutID: p.ID, PartnerID: p.PartnerID,
		Amount: core.Money{Amount: p.Amount, Currency: p.Currency}, Method: p.Method, Attempt: p.Attempts})
	call := RailCall{PayoutID: p.ID, Rail: p.Rail, IdempotencyKey: p.ID, Attempt: p.Attempts, Result: string(res.Status)}
	if err != nil {
		call.Result, call.Detail = "error", err.Error()
	}
	if rerr := s.store.RecordRailCall(ctx, tenant, call); rerr != nil {
		return errors.Join(err, rerr)
	}
	if err != nil {
		return s.retryLater(ctx, tenant, p, err)
	}
	return s.applyResult(ctx, tenant, p.ID, res)
}

// claim moves an approved payout, or a sending one that is due and not
// leased, to sending under a lease.
func (s *Service) claim(ctx context.Context, tenant core.TenantID, id string) (Payout, bool, error) {
	claimed := false
	p, err := s.withPayout(ctx, tenant, id, SystemActor(), func(_ context.Context, p *Payout) (string, error) {
		now := s.clock.Now()
		due := p.Status == StatusApproved || (p.Status == StatusSending && !p.AwaitingConfirmation &&
			(p.LeaseUntil == nil || p.LeaseUntil.Before(now)) && (p.NextAttemptAt == nil || !p.NextAttemptAt.After(now)))
		if !due {
			return "", nil
		}
		lease := now.Add(leaseFor)
		p.Attempts++
		p.Status, p.LeaseUntil, claimed = StatusSending, &lease, true
		if p.SentAt == nil {
			p.SentAt = &now
		}
		return fmt.Sprintf("sent to the %s rail (attempt %d)", p.Rail, p.Attempts), nil
	})
	return p, claimed, err
}

// retryLater releases the lease and schedules another attempt with backoff.
func (s *Service) retryLater(ctx context.Context, tenant core.TenantID, p Payout, cause error) error {
	_, err := s.withPayout(ctx, tenant, p.ID, SystemActor(), func(_ context.Context, p *Payout) (string, error) {
		if p.Status != StatusSending {
			return "", nil
		}
		next := s.clock.Now().Add(backoff(p.Attempts))
		p.LeaseUntil, p.NextAttemptAt = nil, &next
		return "rail error, retrying: " + truncate(cause.Error(), 300), nil
	})
	return errors.Join(cause, err)
}

// backoff is 30s doubling per attempt, at most an hour.
func backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// applyResult records a rail's answer: paid and failed settle the payout;
// pending keeps it sending (polled again, or awaiting confirmation).
func (s *Service) applyResult(ctx context.Context, tenant core.TenantID, id string, res SendResult) error {
	_, err := s.withPayout(ctx, tenant, id, SystemActor(), func(ctx context.Context, p *Payout) (string, error) {
		if p.Status != StatusSending {
			return "", nil // settled meanwhile (e.g. finance marked it paid)
		}
		switch res.Status {
		case RailPaid:
			return "paid by the rail " + res.Reference, s.settlePaid(ctx, tenant, p, res.Reference, res.TxID)
		case RailFailed:
			return "failed at the rail: " + res.Reason, s.settleFailed(ctx, tenant, p, res.Reason)
		case RailPending:
			p.RailTxID, p.AwaitingConfirmation, p.LeaseUntil = res.TxID, res.AwaitsConfirmation, nil
			next := s.clock.Now().Add(pollEvery)
			p.NextAttemptAt = &next
			if res.AwaitsConfirmation {
				p.NextAttemptAt = nil
				return "awaiting confirmation by finance", nil
			}
			return "accepted by the rail " + res.TxID, nil
		}
		return "", fmt.Errorf("payout rail %s answered %q", p.Rail, res.Status)
	})
	return err
}

// SendDue dispatches payouts that are due (approved, or pending at a rail
// and due for another look), up to limit; it returns how many it tried.
// Errors of single payouts are logged and retried later.
func (s *Service) SendDue(ctx context.Context, limit int) (int, error) {
	refs, err := s.store.DueSends(ctx, s.clock.Now(), limit)
	if err != nil {
		return 0, fmt.Errorf("due payouts: %w", err)
	}
	for _, r := range refs {
		if err := s.Dispatch(ctx, r.TenantID, r.ID); err != nil {
			s.log.Warn("payout send failed; retrying later", "tenant_id", r.TenantID, "payout_id", r.ID, "err", err)
		}
	}
	return len(refs), nil
}
