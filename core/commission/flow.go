package commission

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Handle processes one ConversionChanged transition: in one database
// transaction, under the partner's lock, it decides the commission, moves
// it between the partner's ledger accounts, and records the transition;
// then it publishes event.Commission. Transitions are identified by
// conversion id + seq: a redelivered or out-of-date one moves nothing and
// republishes what was decided. A KindInvalid error means the event can
// never be processed; any other error should be retried (the bus redelivers).
func (s *Service) Handle(ctx context.Context, ev event.Conversion) error {
	if err := checkEvent(ev); err != nil {
		return err
	}
	var out event.Commission
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.handleTx(ctx, ev)
		return err
	})
	if err != nil {
		return fmt.Errorf("commission for conversion %s: %w", ev.MsgID(), err)
	}
	return s.publish(ctx, out)
}

func checkEvent(ev event.Conversion) error {
	var v core.Validator
	v.Check(ev.TenantID != "", "tenant_id", "is required")
	v.Check(ev.ConversionID != "", "conversion_id", "is required")
	v.Check(ev.Seq >= 1, "seq", "must be at least 1")
	cur, err := core.ParseCurrency(string(ev.Currency))
	v.Check(err == nil && cur == ev.Currency, "currency", "must be an upper-case currency code")
	v.Check(slices.Contains([]string{event.StatusPending, event.StatusApproved, event.StatusRejected, event.StatusHold}, ev.Status),
		"status", "unknown conversion status")
	return v.Err()
}

func (s *Service) handleTx(ctx context.Context, ev event.Conversion) (event.Commission, error) {
	lockID := ev.PartnerID
	if lockID == "" {
		lockID = "conversion:" + ev.ConversionID
	}
	if err := s.ledger.LockPartner(ctx, ev.TenantID, lockID); err != nil {
		return event.Commission{}, err
	}
	old, found, err := s.store.Conversion(ctx, ev.TenantID, ev.ConversionID)
	if err != nil {
		return event.Commission{}, err
	}
	if found && ev.Seq <= old.LastSeq {
		return s.replay(ctx, ev, old)
	}
	if found && old.PartnerID != ev.PartnerID {
		return event.Commission{}, core.Invalid("partner_id", "a conversion cannot change partner")
	}
	if !found {
		old = Position{ConversionID: ev.ConversionID, State: StateNone, OccurredAt: ev.OccurredAt.UTC()}
	}
	next, display, err := s.next(ctx, ev, old)
	if err != nil {
		return event.Commission{}, err
	}
	posting, err := transitionPosting(ev, old, next)
	if err != nil {
		return event.Commission{}, err
	}
	moved := false
	if len(posting.Entries) > 0 {
		if _, err := s.ledger.Post(ctx, ev.TenantID, posting); err != nil {
			return event.Commission{}, err
		}
		moved = touchesPartner(posting)
	}
	out := commissionEvent(ev, old, next, moved, display)
	if err := s.store.SaveConversion(ctx, ev.TenantID, next); err != nil {
		return event.Commission{}, err
	}
	return out, s.store.SaveTransition(ctx, ev.TenantID, Transition{ConversionID: ev.ConversionID, Seq: ev.Seq,
		Status: ev.Status, Moved: moved, Payload: out})
}

// replay answers a transition that is not newer than the last one applied:
// the recorded outcome if it was decided before, else (it arrived out of
// order) the commission as it stands, with nothing moved.
func (s *Service) replay(ctx context.Context, ev event.Conversion, cur Position) (event.Commission, error) {
	tr, ok, err := s.store.Transition(ctx, ev.TenantID, ev.ConversionID, ev.Seq)
	if err != nil || ok {
		return tr.Payload, err
	}
	out := commissionEvent(ev, cur, cur, false, nil)
	return out, s.store.SaveTransition(ctx, ev.TenantID, Transition{ConversionID: ev.ConversionID, Seq: ev.Seq,
		Status: ev.Status, Payload: out})
}

// targetState is where a conversion's commission goes on a transition from
// state cur. Money never enters for test conversions, fraud-flagged clicks
// or conversions without a partner; if it had entered, it is reversed.
func targetState(ev event.Conversion, cur State) State {
	if ev.Test || ev.Fraud || ev.PartnerID == "" || ev.Status == event.StatusRejected {
		if cur.live() || cur == StateReversed {
			return StateReversed
		}
		return StateNone
	}
	if ev.Status == event.StatusApproved {
		if cur == StateHold || cur == StateAvailable {
			return cur
		}
		return StateHold
	}
	return StatePending // pending, or on the advertiser's hold
}

// next computes the conversion's position after ev, and for test
// conversions the commission they would earn (reported, never booked).
func (s *Service) next(ctx context.Context, ev event.Conversion, old Position) (Position, []core.Money, error) {
	now := s.clock.Now()
	p := old
	p.Lines = slices.Clone(old.Lines)
	p.PartnerID, p.OfferID, p.CampaignID, p.Event, p.Status = ev.PartnerID, ev.OfferID, ev.CampaignID, ev.Event, ev.Status
	p.LastSeq, p.Test, p.Fraud = ev.Seq, ev.Test, ev.Fraud
	p.Revenue = core.Money{Amount: ev.Revenue, Currency: ev.Currency}
	p.RevenueBooked = core.Zero
	if !ev.Test && !ev.Fraud && ev.Status == event.StatusApproved {
		p.RevenueBooked = ev.Revenue
	}
	var display []core.Money
	if ev.Test && ev.PartnerID != "" && ev.Status != event.StatusRejected {
		lines, err := s.decide(ctx, ev, &p)
		if err != nil {
			return Position{}, nil, err
		}
		display = lines
	}
	p.State = targetState(ev, old.State)
	switch {
	case p.State.live():
		lines, err := s.decide(ctx, ev, &p)
		if err != nil {
			return Position{}, nil, err
		}
		p.Lines = lines
	case p.State == StateReversed && len(p.Lines) == 0:
		p.State = StateNone
	case p.State == StateNone:
		p.Lines = nil
	}
	return p, display, s.stampApproval(ctx, ev, old, &p, now)
}

// stampApproval records the approval time, period and end of the hold
// period when the commission enters hold.
func (s *Service) stampApproval(ctx context.Context, ev event.Conversion, old Position, p *Position, now time.Time) error {
	if p.State != StateHold {
		p.HoldUntil = time.Time{}
		return nil
	}
	if old.State == StateHold {
		return nil
	}
	hold, err := s.settings.HoldPeriod(ctx, ev.TenantID, ev.PartnerID)
	if err != nil {
		return fmt.Errorf("hold period: %w", err)
	}
	p.ApprovedAt, p.Period, p.HoldUntil = now, PeriodOf(now), now.Add(hold)
	return nil
}

func (s *Service) publish(ctx context.Context, c event.Commission) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := s.bus.Publish(ctx, event.Subject(c.Conversion.TenantID, event.CommissionDecided), data, c.MsgID()); err != nil {
		return fmt.Errorf("publish commission %s: %w", c.MsgID(), err)
	}
	return nil
}
