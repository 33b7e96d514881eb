package commission

import (
	"context"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// ClosedPeriod is a closed commission period of a tenant.
type ClosedPeriod struct {
	Period   time.Time `json:"period"`
	ClosedAt time.Time `json:"closed_at"`
	ClosedBy string    `json:"closed_by"`
}

// ClosePeriod closes the commission period (calendar month, UTC) containing
// period, which must have ended. For each partner and currency with
// commission approved in the period or a carried-over balance, the
// commission hook decides the negative carryover and threshold bonuses: a
// negative balance is carried into the next period or reset (written off to
// the tenant's cost), then the bonuses are booked (repaying what is still
// carried first). Each partner closes in its own transaction and is
// recorded, so a close interrupted half-way resumes where it stopped.
func (s *Service) ClosePeriod(ctx context.Context, tenant core.TenantID, period time.Time, by Actor) error {
	period = PeriodOf(period)
	if PeriodEnd(period).After(s.clock.Now()) {
		return core.Invalid("period", "has not ended yet")
	}
	pcs, err := s.store.PeriodPartners(ctx, tenant, period)
	if err != nil {
		return fmt.Errorf("close period: %w", err)
	}
	for _, pc := range pcs {
		if err := s.closePartner(ctx, tenant, period, pc); err != nil {
			return fmt.Errorf("close period %s for %s/%s: %w", period.Format("2006-01"), pc.PartnerID, pc.Currency, err)
		}
	}
	return s.store.MarkPeriodClosed(ctx, tenant, period, by)
}

// CloseDue closes every period that ended and is not closed yet, oldest
// first, and returns how many it closed.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	refs, err := s.store.PeriodsToClose(ctx, PeriodOf(s.clock.Now()))
	if err != nil {
		return 0, fmt.Errorf("periods to close: %w", err)
	}
	for i, r := range refs {
		if err := s.ClosePeriod(ctx, r.TenantID, r.Period, Actor{Kind: "system", ID: "scheduler"}); err != nil {
			return i, err
		}
	}
	return len(refs), nil
}

// ClosedPeriods lists the tenant's closed periods, newest first.
func (s *Service) ClosedPeriods(ctx context.Context, tenant core.TenantID) ([]ClosedPeriod, error) {
	return s.store.ClosedPeriods(ctx, tenant)
}

func (s *Service) closePartner(ctx context.Context, tenant core.TenantID, period time.Time, pc PartnerCurrency) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.ledger.LockPartner(ctx, tenant, pc.PartnerID); err != nil {
			return err
		}
		if closed, err := s.store.PartnerClosed(ctx, tenant, period, pc); err != nil || closed {
			return err
		}
		out, err := s.decideClose(ctx, tenant, period, pc)
		if err != nil {
			return err
		}
		pay, carry, err := closeAmounts(out, pc.Currency)
		if err != nil {
			return err
		}
		if err := s.postClose(ctx, tenant, period, pc, pay, carry); err != nil {
			return err
		}
		return s.store.SavePartnerClose(ctx, tenant, period, pc, out.Amounts)
	})
}

func (s *Service) decideClose(ctx context.Context, tenant core.TenantID, period time.Time, pc PartnerCurrency) (Output, error) {
	hist, err := s.history(ctx, tenant, HistoryQuery{PartnerID: pc.PartnerID, Period: period, Currency: pc.Currency, InCurrency: true})
	if err != nil {
		return Output{}, err
	}
	cands, err := s.store.CandidateTerms(ctx, tenant, pc.PartnerID, "", "")
	if err != nil {
		return Output{}, fmt.Errorf("terms: %w", err)
	}
	var terms ModelTerms
	if t, ok := Pick(cands, pc.PartnerID, "", "", PeriodEnd(period).Add(-time.Nanosecond)); ok {
		terms = ModelTerms{Model: t.Model, Params: t.Params}
	}
	out, err := s.model.Decide(ctx, tenant, Input{Trigger: TriggerPeriodClose, Terms: terms, History: hist})
	if err != nil {
		return Output{}, fmt.Errorf("commission model %q at period close: %w", terms.Model, err)
	}
	return out, nil
}

// closeAmounts checks the hook's answer at period close: amounts to pay,
// and at most one carryover amount (in the closing currency, not positive).
func closeAmounts(out Output, cur core.Currency) ([]Amount, *core.Decimal, error) {
	if len(out.Amounts) > 50 {
		return nil, nil, core.Errorf(core.KindInternal, "commission model returned %d amounts", len(out.Amounts))
	}
	var pay []Amount
	var carry *core.Decimal
	for _, a := range out.Amounts {
		if err := checkAmount(a); err != nil {
			return nil, nil, err
		}
		switch {
		case a.Kind == AmountCommission || a.Kind == AmountBonus:
			pay = append(pay, a)
		case a.Kind == AmountCarryover && carry == nil && a.Currency == cur && a.Amount.Sign() <= 0:
			amt := a.Amount
			carry = &amt
		default:
			return nil, nil, core.Errorf(core.KindInternal, "commission model returned an unusable %s amount %s %s at period close", a.Kind, a.Amount, a.Currency)
		}
	}
	return pay, carry, nil
}

// postClose first brings the carried-over balance to what the hook decided
// (a hook may forgive a debt, never create one), then books the amounts to
// pay, which repay what is still carried before they become available.
func (s *Service) postClose(ctx context.Context, tenant core.TenantID, period time.Time, pc PartnerCurrency, pay []Amount, carry *core.Decimal) error {
	key := fmt.Sprintf("close:%s:%s:%s", period.Format("2006-01"), pc.PartnerID, pc.Currency)
	if carry != nil {
		if err := s.resetCarryover(ctx, tenant, key+":carryover", pc, *carry); err != nil {
			return err
		}
	}
	if p := payPosting(key+":pay", pc.PartnerID, pay); len(p.Entries) > 0 {
		if _, err := s.ledger.Post(ctx, tenant, p); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) resetCarryover(ctx context.Context, tenant core.TenantID, key string, pc PartnerCurrency, carry core.Decimal) error {
	bal, err := s.ledger.Balance(ctx, tenant, pc.PartnerID, acctCarryover, pc.Currency)
	if err != nil {
		return err
	}
	if carry.Cmp(bal) < 0 {
		return core.Errorf(core.KindInternal, "commission model carried %s %s over a balance of %s", carry, pc.Currency, bal)
	}
	writeOff, err := carry.Sub(bal)
	if err != nil || writeOff.IsZero() {
		return err
	}
	_, err = s.ledger.Post(ctx, tenant, Posting{Key: key, Kind: kindCarryover, PartnerID: pc.PartnerID,
		Memo: "negative balance reset at period close", Entries: []Entry{
			{PartnerID: pc.PartnerID, Account: acctCarryover, Currency: pc.Currency, Amount: writeOff},
			{PartnerID: pc.PartnerID, Account: acctCost, Currency: pc.Currency, Amount: writeOff.Neg()},
		}})
	return err
}

// payPosting books bonuses and period commissions: cost → available.
func payPosting(key, partner string, pay []Amount) Posting {
	p := Posting{Key: key, Kind: kindBonus, PartnerID: partner, Memo: "period close"}
	for _, a := range pay {
		if a.Amount.IsZero() {
			continue
		}
		if a.Memo != "" {
			p.Memo = a.Memo
		}
		p.Entries = append(p.Entries,
			Entry{PartnerID: partner, Account: acctAvailable, Currency: a.Currency, Amount: a.Amount, Spill: true},
			Entry{PartnerID: partner, Account: acctCost, Currency: a.Currency, Amount: a.Amount.Neg()})
	}
	return p
}
