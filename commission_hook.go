package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/commission/model"
)

// commissionHook is the commission engine's model: a tenant's installed
// commission plugin (an agency's own model, in WebAssembly) decides that
// tenant's commissions; tenants without one get the first-party models of
// plugins/commission/model in process. Plugin failures fail closed: the
// error goes back to the bus, which retries the step.
type commissionHook struct {
	hooks   *hosts.Hooks
	builtin firstPartyModels
}

// Interface guards.
var (
	_ commission.Model         = commissionHook{}
	_ commission.HistoryReader = commissionHook{}
	_ commission.HistoryReader = firstPartyModels{}
)

// ReadsHistory implements commission.HistoryReader: a tenant's plugin may
// read the history of any terms; the first-party models say which do.
func (m commissionHook) ReadsHistory(ctx context.Context, tenant core.TenantID, t commission.ModelTerms) bool {
	return m.hooks.Active(ctx, tenant, abi.HookCommission) || m.builtin.ReadsHistory(ctx, tenant, t)
}

// Decide implements commission.Model.
func (m commissionHook) Decide(ctx context.Context, tenant core.TenantID, in commission.Input) (commission.Output, error) {
	if !m.hooks.Active(ctx, tenant, abi.HookCommission) {
		return m.builtin.Decide(ctx, tenant, in)
	}
	res, err := m.hooks.Commission(ctx, tenant, hookCommissionInput(in))
	if errors.Is(err, hosts.ErrNoPlugin) {
		return m.builtin.Decide(ctx, tenant, in)
	}
	if err != nil {
		return commission.Output{}, fmt.Errorf("commission plugin: %w", err)
	}
	return commissionOutput(res)
}

// commissionOutput converts a model's answer (decimal strings on the wire)
// into the engine's exact types.
func commissionOutput(res hook.CommissionResult) (commission.Output, error) {
	out := commission.Output{Amounts: make([]commission.Amount, 0, len(res.Amounts))}
	for i, a := range res.Amounts {
		amt, err := core.ParseDecimal(a.Amount)
		if err != nil {
			return commission.Output{}, fmt.Errorf("commission amount %d %q: %w", i, a.Amount, err)
		}
		out.Amounts = append(out.Amounts, commission.Amount{Kind: commission.AmountKind(a.Kind), Amount: amt,
			Currency: core.Currency(a.Currency), Memo: a.Memo})
	}
	return out, nil
}

// Validate implements commission.Model. The first-party model names are
// checked by their models. With a commission plugin installed the tenant may
// name any model its plugin understands (the plugin reads the params); the
// params must still be a JSON object.
func (m commissionHook) Validate(ctx context.Context, tenant core.TenantID, name string, params json.RawMessage) error {
	if slices.Contains(model.Models(), name) {
		return m.builtin.Validate(ctx, tenant, name, params)
	}
	if strings.TrimSpace(name) == "" {
		return core.Invalid("model", "must not be empty")
	}
	if !m.hooks.Active(ctx, tenant, abi.HookCommission) {
		return core.Invalid("model", fmt.Sprintf("unknown model %q: use one of %s, or install a commission plugin that serves it",
			name, strings.Join(model.Models(), ", ")))
	}
	var obj map[string]json.RawMessage
	if len(params) > 0 && json.Unmarshal(params, &obj) != nil {
		return core.Invalid("params", "must be a JSON object")
	}
	return nil
}

// hookCommissionInput is the commission hook's contract for in.
func hookCommissionInput(in commission.Input) hook.CommissionInput {
	h := in.History
	out := hook.CommissionInput{Trigger: string(in.Trigger), Terms: hook.Terms{Model: in.Terms.Model, Params: in.Terms.Params},
		History: hook.History{PeriodStart: h.PeriodStart, PeriodEnd: h.PeriodEnd, Currency: string(h.Currency),
			ApprovedCount: h.ApprovedCount, ApprovedRevenue: h.ApprovedRevenue.String(), CommissionSoFar: h.Commission.String(),
			CarriedOver: h.Carryover.String(), NegativeCarryover: h.NegativeCarryover}}
	if c := in.Conversion; c != nil {
		out.Conversion = hook.Conversion{ID: c.ID, Event: c.Event, Status: c.Status, PrevStatus: c.PrevStatus,
			Revenue: c.Revenue.String(), Currency: string(c.Currency), OfferID: c.OfferID, CampaignID: c.CampaignID,
			PartnerID: c.PartnerID, OccurredAt: c.OccurredAt, Test: c.Test}
	}
	return out
}
