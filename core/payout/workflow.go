package payout

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/affcore/affcore/core"
)

// withPayout runs fn on a payout inside a transaction, holding the
// partner's lock and the payout's row lock (in that order, as every money
// movement does). fn changes *p and returns a history detail; the payout is
// saved when fn returns a non-empty detail.
func (s *Service) withPayout(ctx context.Context, tenant core.TenantID, id string, by Actor, fn func(ctx context.Context, p *Payout) (string, error)) (Payout, error) {
	head, err := s.store.Payout(ctx, tenant, id)
	if err != nil {
		return Payout{}, err
	}
	var out Payout
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.ledger.LockPartner(ctx, tenant, head.PartnerID); err != nil {
			return err
		}
		p, err := s.store.Payout(ctx, tenant, id)
		if err != nil {
			return err
		}
		detail, err := fn(ctx, &p)
		if err != nil || detail == "" {
			out = p
			return err
		}
		p.UpdatedAt = s.clock.Now()
		out = p
		return s.store.UpdatePayout(ctx, tenant, p, by, detail)
	})
	return out, err
}

// statusIn returns a conflict unless p is in one of the statuses.
func statusIn(p *Payout, want ...Status) error {
	if slices.Contains(want, p.Status) {
		return nil
	}
	return core.Errorf(core.KindConflict, "the payout is %s", p.Status)
}

// Approve approves a requested payout (finance's decision) and hands it to
// its rail. Approving an approved payout again is a conflict, so two
// approvals at once produce one.
func (s *Service) Approve(ctx context.Context, tenant core.TenantID, id string, by Actor) (Payout, error) {
	if by.Kind == "partner" {
		return Payout{}, core.Errorf(core.KindForbidden, "partners cannot approve payouts")
	}
	p, err := s.withPayout(ctx, tenant, id, by, func(_ context.Context, p *Payout) (string, error) {
		if err := statusIn(p, StatusRequested); err != nil {
			return "", err
		}
		now := s.clock.Now()
		p.Status, p.ApprovedBy, p.ApprovedAt, p.NextAttemptAt = StatusApproved, by.ID, &now, &now
		return "approved", nil
	})
	if err != nil {
		return Payout{}, fmt.Errorf("approve payout: %w", err)
	}
	if err := s.Dispatch(ctx, tenant, id); err != nil {
		s.log.Warn("payout dispatch failed; the sender retries it", "tenant_id", tenant, "payout_id", id, "err", err)
	}
	return s.store.Payout(ctx, tenant, p.ID)
}

// Cancel cancels a payout that was not sent yet and returns its money to
// available. partnerID, when set, restricts it to that partner's payouts.
func (s *Service) Cancel(ctx context.Context, tenant core.TenantID, id, partnerID string, by Actor) (Payout, error) {
	p, err := s.withPayout(ctx, tenant, id, by, func(ctx context.Context, p *Payout) (string, error) {
		if partnerID != "" && p.PartnerID != partnerID {
			return "", core.Errorf(core.KindNotFound, "payout not found")
		}
		if partnerID != "" && p.Status != StatusRequested {
			return "", core.Errorf(core.KindConflict, "the payout is %s; only a requested payout can be withdrawn", p.Status)
		}
		if err := statusIn(p, StatusRequested, StatusApproved); err != nil {
			return "", err
		}
		now := s.clock.Now()
		p.Status, p.CancelledAt, p.NextAttemptAt = StatusCancelled, &now, nil
		_, err := s.ledger.Post(ctx, tenant, releasePosting(*p))
		return "cancelled", err
	})
	if err != nil {
		return Payout{}, fmt.Errorf("cancel payout: %w", err)
	}
	return p, nil
}

// MarkPaid confirms a manual-rail payout as paid, with the reference of the
// transfer finance made.
func (s *Service) MarkPaid(ctx context.Context, tenant core.TenantID, id, reference string, by Actor) (Payout, error) {
	reference = strings.TrimSpace(reference)
	if reference == "" || len(reference) > 200 {
		return Payout{}, core.Invalid("reference", "give the transfer's reference (1 to 200 characters)")
	}
	return s.confirm(ctx, tenant, id, by, func(ctx context.Context, p *Payout) (string, error) {
		return "paid: " + reference, s.settlePaid(ctx, tenant, p, reference, "")
	})
}

// MarkFailed records that a manual-rail payout could not be made; its
// money returns to available.
func (s *Service) MarkFailed(ctx context.Context, tenant core.TenantID, id, reason string, by Actor) (Payout, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return Payout{}, core.Invalid("reason", "say why the payout failed (1 to 500 characters)")
	}
	return s.confirm(ctx, tenant, id, by, func(ctx context.Context, p *Payout) (string, error) {
		return "failed: " + reason, s.settleFailed(ctx, tenant, p, reason)
	})
}

// confirm runs a finance confirmation on an approved or sending payout of
// the manual rail.
func (s *Service) confirm(ctx context.Context, tenant core.TenantID, id string, by Actor, fn func(ctx context.Context, p *Payout) (string, error)) (Payout, error) {
	if by.Kind == "partner" {
		return Payout{}, core.Errorf(core.KindForbidden, "partners cannot confirm payouts")
	}
	p, err := s.withPayout(ctx, tenant, id, by, func(ctx context.Context, p *Payout) (string, error) {
		if p.Rail != ManualRailName {
			return "", core.Errorf(core.KindConflict, "the payout goes through the %s rail, which confirms it itself", p.Rail)
		}
		if err := statusIn(p, StatusApproved, StatusSending); err != nil {
			return "", err
		}
		return fn(ctx, p)
	})
	if err != nil {
		return Payout{}, fmt.Errorf("confirm payout: %w", err)
	}
	return p, nil
}

// settlePaid marks p paid and moves its money in_payout → paid.
func (s *Service) settlePaid(ctx context.Context, tenant core.TenantID, p *Payout, reference, txID string) error {
	now := s.clock.Now()
	p.Status, p.PaidAt, p.AwaitingConfirmation, p.NextAttemptAt, p.LeaseUntil = StatusPaid, &now, false, nil, nil
	p.Reference = reference
	if txID != "" {
		p.RailTxID = txID
	}
	_, err := s.ledger.Post(ctx, tenant, paidPosting(*p))
	return err
}

// settleFailed marks p failed and returns its money to available.
func (s *Service) settleFailed(ctx context.Context, tenant core.TenantID, p *Payout, reason string) error {
	now := s.clock.Now()
	p.Status, p.FailedAt, p.FailureReason, p.AwaitingConfirmation, p.NextAttemptAt, p.LeaseUntil = StatusFailed, &now, reason, false, nil, nil
	_, err := s.ledger.Post(ctx, tenant, releasePosting(*p))
	return err
}

// Get returns a payout and its status history.
func (s *Service) Get(ctx context.Context, tenant core.TenantID, id string) (Payout, []HistoryEntry, error) {
	p, err := s.store.Payout(ctx, tenant, id)
	if err != nil {
		return Payout{}, nil, err
	}
	h, err := s.store.History(ctx, tenant, id)
	return p, h, err
}

// List lists payouts, newest first.
func (s *Service) List(ctx context.Context, tenant core.TenantID, f Filter) ([]Payout, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.Payouts(ctx, tenant, f)
}
