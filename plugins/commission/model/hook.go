package model

import "github.com/affcore/affcore/pdk/go/hook"

// Version is the version of the affcore.commission plugin this code is
// (its manifest's version): installations of exactly this version run in
// process.
const Version = "1.0.0"

// Hook is the commission hook over Decide: the hook's contract in and out.
func Hook(in hook.CommissionInput) (hook.CommissionResult, error) {
	h := in.History
	mi := Input{Trigger: in.Trigger, Terms: Terms{Model: in.Terms.Model, Params: in.Terms.Params},
		History: History{PeriodStart: h.PeriodStart, PeriodEnd: h.PeriodEnd, Currency: h.Currency,
			ApprovedCount: h.ApprovedCount, ApprovedRevenue: h.ApprovedRevenue, Commission: h.CommissionSoFar,
			Carryover: h.CarriedOver, NegativeCarryover: h.NegativeCarryover}}
	if c := in.Conversion; c.ID != "" {
		mi.Conversion = &Conversion{ID: c.ID, Event: c.Event, Status: c.Status, PrevStatus: c.PrevStatus,
			Revenue: c.Revenue, Currency: c.Currency, OfferID: c.OfferID, CampaignID: c.CampaignID,
			PartnerID: c.PartnerID, OccurredAt: c.OccurredAt, Test: c.Test}
	}
	out, err := Decide(mi)
	if err != nil {
		return hook.CommissionResult{}, err
	}
	res := hook.CommissionResult{Amounts: make([]hook.Amount, 0, len(out.Amounts))}
	for _, a := range out.Amounts {
		res.Amounts = append(res.Amounts, hook.Amount{Kind: a.Kind, Amount: a.Amount, Currency: a.Currency, Memo: a.Memo})
	}
	return res, nil
}
