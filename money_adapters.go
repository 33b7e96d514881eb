package main

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/payout"
	"github.com/affcore/affcore/plugins/commission/model"
)

// The domain packages declare what they need from each other; these
// adapters connect them (STYLE §3.2: only the root package does).

// commissionLedger lets the commission flow post to the ledger.
type commissionLedger struct{ l *ledger.Service }

func (a commissionLedger) LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error {
	return a.l.LockPartner(ctx, tenant, partnerID)
}

func (a commissionLedger) Post(ctx context.Context, tenant core.TenantID, p commission.Posting) (bool, error) {
	t := ledger.Txn{Key: p.Key, Kind: ledger.Kind(p.Kind), PartnerID: p.PartnerID, ConversionID: p.ConversionID, Memo: p.Memo}
	for _, e := range p.Entries {
		t.Entries = append(t.Entries, ledgerEntry(e.PartnerID, e.Account, e.Currency, e.Amount, e.Spill))
	}
	res, err := a.l.Post(ctx, tenant, t)
	return res.Duplicate, err
}

func (a commissionLedger) Balance(ctx context.Context, tenant core.TenantID, partnerID, account string, cur core.Currency) (core.Decimal, error) {
	return a.l.Balance(ctx, tenant, ledger.Account{PartnerID: partnerID, Kind: ledger.AccountKind(account), Currency: cur})
}

func ledgerEntry(partner, account string, cur core.Currency, amt core.Decimal, spill bool) ledger.Entry {
	return ledger.Entry{Account: ledger.Account{PartnerID: partner, Kind: ledger.AccountKind(account), Currency: cur}, Amount: amt, Spill: spill}
}

// payoutLedger lets payouts reserve and settle money in the ledger.
type payoutLedger struct{ l *ledger.Service }

func (a payoutLedger) LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error {
	return a.l.LockPartner(ctx, tenant, partnerID)
}

func (a payoutLedger) Post(ctx context.Context, tenant core.TenantID, p payout.Posting) (bool, error) {
	t := ledger.Txn{Key: p.Key, Kind: ledger.Kind(p.Kind), PartnerID: p.PartnerID, PayoutID: p.PayoutID, Memo: p.Memo}
	for _, e := range p.Entries {
		t.Entries = append(t.Entries, ledgerEntry(e.PartnerID, e.Account, e.Currency, e.Amount, e.Spill))
	}
	res, err := a.l.Post(ctx, tenant, t)
	return res.Duplicate, err
}

func (a payoutLedger) Available(ctx context.Context, tenant core.TenantID, partnerID string) ([]core.Money, error) {
	bs, err := a.l.Balances(ctx, tenant, partnerID, "")
	var out []core.Money
	for _, b := range bs {
		if b.PartnerID == partnerID && b.Available.Sign() > 0 {
			out = append(out, core.Money{Amount: b.Available, Currency: b.Currency})
		}
	}
	return out, err
}

func (a payoutLedger) Convert(ctx context.Context, tenant core.TenantID, m core.Money, to core.Currency, day time.Time) (core.Money, string, error) {
	out, rate, err := a.l.Convert(ctx, tenant, m, to, day)
	return out, rate.Rate, err
}

// firstPartyModels serves the commission hook in process with the
// first-party models of plugins/commission/model (the same code the WASM
// plugin exports).
type firstPartyModels struct{}

func (firstPartyModels) Validate(_ context.Context, _ core.TenantID, name string, params json.RawMessage) error {
	err := model.Validate(name, params)
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return core.Invalid(fe.Field, fe.Message)
	}
	return err
}

// ReadsHistory implements commission.HistoryReader.
func (firstPartyModels) ReadsHistory(_ context.Context, _ core.TenantID, t commission.ModelTerms) bool {
	return model.ReadsHistory(t.Model, t.Params)
}

func (firstPartyModels) Decide(_ context.Context, _ core.TenantID, in commission.Input) (commission.Output, error) {
	out, err := model.Hook(hookCommissionInput(in))
	if err != nil {
		return commission.Output{}, err
	}
	return commissionOutput(out)
}
