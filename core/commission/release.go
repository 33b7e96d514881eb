package commission

import (
	"context"
	"fmt"
)

// ReleaseDue moves commissions whose hold period has ended from hold to
// available, up to limit of them, and returns how many it released. Each
// release is its own transaction under the partner's lock and is keyed by
// the conversion's transition, so two nodes running it at once release each
// commission once.
func (s *Service) ReleaseDue(ctx context.Context, limit int) (int, error) {
	due, err := s.store.DueReleases(ctx, s.clock.Now(), limit)
	if err != nil {
		return 0, fmt.Errorf("due releases: %w", err)
	}
	n := 0
	for _, d := range due {
		done, err := s.release(ctx, d)
		if err != nil {
			return n, fmt.Errorf("release %s: %w", d.ConversionID, err)
		}
		if done {
			n++
		}
	}
	return n, nil
}

func (s *Service) release(ctx context.Context, d DueRelease) (bool, error) {
	done := false
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.ledger.LockPartner(ctx, d.TenantID, d.PartnerID); err != nil {
			return err
		}
		p, found, err := s.store.Conversion(ctx, d.TenantID, d.ConversionID)
		if err != nil || !found || p.State != StateHold || p.HoldUntil.After(s.clock.Now()) {
			return err // released meanwhile, or changed: nothing to do
		}
		posting := releasePosting(p)
		if len(posting.Entries) > 0 {
			if _, err := s.ledger.Post(ctx, d.TenantID, posting); err != nil {
				return err
			}
		}
		p.State = StateAvailable
		done = true
		return s.store.SaveConversion(ctx, d.TenantID, p)
	})
	return done, err
}

// releasePosting moves p's commission from hold to available; a negative
// line (a net-revenue share below zero) spills into carryover.
func releasePosting(p Position) Posting {
	out := Posting{Key: fmt.Sprintf("conv:%s:%d:release", p.ConversionID, p.LastSeq), Kind: kindRelease,
		PartnerID: p.PartnerID, ConversionID: p.ConversionID, Memo: "hold period over"}
	for _, l := range p.Lines {
		out.Entries = append(out.Entries,
			Entry{PartnerID: p.PartnerID, Account: acct(StateHold), Currency: l.Currency, Amount: l.Amount.Neg()},
			Entry{PartnerID: p.PartnerID, Account: acctAvailable, Currency: l.Currency, Amount: l.Amount, Spill: true})
	}
	return out
}
