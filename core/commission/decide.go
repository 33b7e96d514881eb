package commission

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// decide asks the commission hook for the conversion's commission under the
// terms p was first decided with (resolving and snapshotting them on the
// first transition), and returns it per currency.
func (s *Service) decide(ctx context.Context, ev event.Conversion, p *Position) ([]core.Money, error) {
	if p.Terms.Model == "" {
		if err := s.resolveTerms(ctx, ev, p); err != nil {
			return nil, err
		}
	}
	q := HistoryQuery{PartnerID: ev.PartnerID, Period: PeriodOf(s.clock.Now()), Currency: ev.Currency, ExcludeID: ev.ConversionID}
	switch p.TermsScope {
	case ScopeCampaign, ScopePartnerCampaign:
		q.CampaignID = ev.CampaignID
	case ScopeOffer, ScopePartnerOffer, ScopeOfferDefault:
		q.OfferID = ev.OfferID
	}
	hist := History{PeriodStart: q.Period, PeriodEnd: PeriodEnd(q.Period), Currency: q.Currency}
	if hr, ok := s.model.(HistoryReader); !ok || hr.ReadsHistory(ctx, ev.TenantID, p.Terms) {
		var err error
		if hist, err = s.history(ctx, ev.TenantID, q); err != nil {
			return nil, err
		}
	}
	c := conversionFacts(ev)
	out, err := s.model.Decide(ctx, ev.TenantID, Input{Trigger: TriggerConversion, Conversion: &c, Terms: p.Terms, History: hist})
	if err != nil {
		return nil, fmt.Errorf("commission model %q: %w", p.Terms.Model, err)
	}
	return conversionLines(out)
}

func conversionFacts(ev event.Conversion) Conversion {
	return Conversion{ID: ev.ConversionID, Event: ev.Event, Status: ev.Status, PrevStatus: ev.PrevStatus,
		Revenue: ev.Revenue, Currency: ev.Currency, OfferID: ev.OfferID, CampaignID: ev.CampaignID,
		PartnerID: ev.PartnerID, OccurredAt: ev.OccurredAt.UTC(), Test: ev.Test}
}

// resolveTerms finds the terms in effect when the conversion occurred (or
// the offer's default payout) and snapshots them into p.
func (s *Service) resolveTerms(ctx context.Context, ev event.Conversion, p *Position) error {
	cands, err := s.store.CandidateTerms(ctx, ev.TenantID, ev.PartnerID, ev.OfferID, ev.CampaignID)
	if err != nil {
		return fmt.Errorf("terms: %w", err)
	}
	if t, ok := Pick(cands, ev.PartnerID, ev.OfferID, ev.CampaignID, ev.OccurredAt); ok {
		p.TermsID, p.TermsScope, p.Terms = t.ID, t.Scope(), ModelTerms{Model: t.Model, Params: t.Params}
		return nil
	}
	m, err := s.offers.OfferPayout(ctx, ev.TenantID, ev.OfferID)
	if err != nil {
		return fmt.Errorf("default payout of offer %s: %w", ev.OfferID, err)
	}
	params, err := json.Marshal(map[string]string{"amount": m.Amount.StringFixed(2), "currency": string(m.Currency)})
	if err != nil {
		return err
	}
	p.TermsID, p.TermsScope, p.Terms = "", ScopeOfferDefault, ModelTerms{Model: "cpa", Params: params}
	return nil
}

// history reads the partner's period record and adds the carried-over
// balance and the carryover policy.
func (s *Service) history(ctx context.Context, tenant core.TenantID, q HistoryQuery) (History, error) {
	h, err := s.store.History(ctx, tenant, q)
	if err != nil {
		return History{}, fmt.Errorf("history: %w", err)
	}
	h.PeriodStart, h.PeriodEnd, h.Currency = q.Period, PeriodEnd(q.Period), q.Currency
	if h.Carryover, err = s.ledger.Balance(ctx, tenant, q.PartnerID, acctCarryover, q.Currency); err != nil {
		return History{}, err
	}
	if h.NegativeCarryover, err = s.settings.NegativeCarryover(ctx, tenant, q.PartnerID); err != nil {
		return History{}, fmt.Errorf("carryover policy: %w", err)
	}
	return h, nil
}

// conversionLines checks the hook's answer for a conversion and sums it per
// currency. Only commission and bonus amounts may be returned, within
// MaxAmount; a bad answer fails the step (money is never guessed).
func conversionLines(out Output) ([]core.Money, error) {
	if len(out.Amounts) > 50 {
		return nil, core.Errorf(core.KindInternal, "commission model returned %d amounts", len(out.Amounts))
	}
	var lines []core.Money
	for _, a := range out.Amounts {
		if a.Kind != AmountCommission && a.Kind != AmountBonus {
			return nil, core.Errorf(core.KindInternal, "commission model returned a %q amount for a conversion", a.Kind)
		}
		if err := checkAmount(a); err != nil {
			return nil, err
		}
		lines = addLine(lines, core.Money{Amount: a.Amount, Currency: a.Currency})
	}
	lines = slices.DeleteFunc(lines, func(m core.Money) bool { return m.Amount.IsZero() })
	slices.SortFunc(lines, func(a, b core.Money) int { return cmpCur(a.Currency, b.Currency) })
	return lines, nil
}

func checkAmount(a Amount) error {
	cur, err := core.ParseCurrency(string(a.Currency))
	if err != nil || cur != a.Currency {
		return core.Errorf(core.KindInternal, "commission model returned currency %q", a.Currency)
	}
	limit := core.DecimalFromInt(MaxAmount)
	if a.Amount.Cmp(limit) > 0 || a.Amount.Cmp(limit.Neg()) < 0 {
		return core.Errorf(core.KindInternal, "commission model returned %s %s, beyond the limit", a.Amount, a.Currency)
	}
	return nil
}

// addLine adds m to the line of its currency (amounts are bounded by
// MaxAmount × 50, far inside the Decimal range).
func addLine(lines []core.Money, m core.Money) []core.Money {
	for i := range lines {
		if lines[i].Currency == m.Currency {
			lines[i].Amount, _ = lines[i].Amount.Add(m.Amount)
			return lines
		}
	}
	return append(lines, m)
}

func cmpCur(a, b core.Currency) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// amountIn returns the amount of lines in currency c.
func amountIn(lines []core.Money, c core.Currency) core.Decimal {
	for _, l := range lines {
		if l.Currency == c {
			return l.Amount
		}
	}
	return core.Zero
}
