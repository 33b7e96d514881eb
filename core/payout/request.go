package payout

import (
	"context"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// Ledger account kinds payouts book on (see core/ledger).
const (
	acctAvailable = "available"
	acctInPayout  = "in_payout"
	acctPaid      = "paid"
	acctFX        = "fx"
)

// RequestInput asks for a payout.
type RequestInput struct {
	PartnerID string `json:"partner_id"`
	// Amount to take from the available balance; empty takes all of it.
	Amount *core.Decimal `json:"amount"`
	// Currency is the balance to pay from; empty picks the method's
	// currency, or the only currency available.
	Currency core.Currency `json:"currency"`
	// Key makes the request idempotent: a second request with the same key
	// returns the first payout. Empty means a new request.
	Key string `json:"-"`
}

// Request reserves a payout from the partner's available balance: the
// amount moves available → in_payout (converted into the method's currency
// at today's FX rate) and waits for finance's approval.
func (s *Service) Request(ctx context.Context, tenant core.TenantID, in RequestInput, by Actor) (Payout, error) {
	if in.PartnerID == "" {
		return Payout{}, core.Invalid("partner_id", "is required")
	}
	var out Payout
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.ledger.LockPartner(ctx, tenant, in.PartnerID); err != nil {
			return err
		}
		if in.Key != "" {
			if p, ok, err := s.store.PayoutByKey(ctx, tenant, in.Key); err != nil || ok {
				out = p
				return err
			}
		}
		p, err := s.prepare(ctx, tenant, in, by)
		if err != nil {
			return err
		}
		if err := s.store.CreatePayout(ctx, tenant, p, by); err != nil {
			return err
		}
		if _, err := s.ledger.Post(ctx, tenant, reservePosting(p)); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return Payout{}, fmt.Errorf("request payout: %w", err)
	}
	return out, nil
}

// prepare checks a request against the partner's method, balance and
// minimum, and builds the payout.
func (s *Service) prepare(ctx context.Context, tenant core.TenantID, in RequestInput, by Actor) (Payout, error) {
	if ok, err := s.store.PartnerExists(ctx, tenant, in.PartnerID); err != nil || !ok {
		return Payout{}, notFound(err, "partner not found")
	}
	method, ok, err := s.store.Method(ctx, tenant, in.PartnerID)
	if err != nil {
		return Payout{}, err
	}
	if !ok {
		return Payout{}, core.Invalid("payout_method", "the partner has no payout method yet")
	}
	avail, err := s.ledger.Available(ctx, tenant, in.PartnerID)
	if err != nil {
		return Payout{}, err
	}
	src, err := sourceCurrency(in.Currency, method.Currency, avail)
	if err != nil {
		return Payout{}, err
	}
	have := amountIn(avail, src)
	amount := have
	if in.Amount != nil {
		amount = *in.Amount
	}
	if amount.Sign() <= 0 {
		return Payout{}, core.Invalid("amount", fmt.Sprintf("must be positive (available: %s %s)", have, src))
	}
	if amount.Cmp(have) > 0 {
		return Payout{}, core.Invalid("amount", fmt.Sprintf("exceeds the available balance of %s %s", have, src))
	}
	return s.build(ctx, tenant, in, by, method, core.Money{Amount: amount, Currency: src})
}

func (s *Service) build(ctx context.Context, tenant core.TenantID, in RequestInput, by Actor, m Method, from core.Money) (Payout, error) {
	now := s.clock.Now()
	sent, rate, err := s.ledger.Convert(ctx, tenant, from, m.Currency, now)
	if err != nil {
		return Payout{}, err
	}
	if sent.Amount.Sign() <= 0 {
		return Payout{}, core.Invalid("amount", "too small to pay once converted")
	}
	if err := s.checkMinimum(ctx, tenant, in.PartnerID, sent); err != nil {
		return Payout{}, err
	}
	settings, err := s.store.Settings(ctx, tenant)
	if err != nil {
		return Payout{}, err
	}
	p := Payout{ID: core.NewIDAt("pay", now), PartnerID: in.PartnerID, Status: StatusRequested,
		Amount: sent.Amount, Currency: sent.Currency, SourceAmount: from.Amount, SourceCurrency: from.Currency,
		Method: m, Rail: settings.Rail, RequestKey: in.Key, RequestedByKind: by.Kind, RequestedBy: by.ID,
		CreatedAt: now, UpdatedAt: now}
	if from.Currency != sent.Currency {
		y, mo, d := now.UTC().Date()
		day := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		p.FXRate, p.FXDay = rate, &day
	}
	if p.RequestKey == "" {
		p.RequestKey = p.ID
	}
	return p, nil
}

func (s *Service) checkMinimum(ctx context.Context, tenant core.TenantID, partnerID string, sent core.Money) error {
	_, minimum, err := s.effective(ctx, tenant, partnerID)
	if err != nil || minimum.Amount.IsZero() {
		return err
	}
	if minimum.Currency != sent.Currency {
		if minimum, _, err = s.ledger.Convert(ctx, tenant, minimum, sent.Currency, s.clock.Now()); err != nil {
			return err
		}
	}
	if sent.Amount.Cmp(minimum.Amount) < 0 {
		return core.Invalid("amount", fmt.Sprintf("is below the minimum payout of %s", minimum))
	}
	return nil
}

// sourceCurrency picks the balance a payout is paid from.
func sourceCurrency(asked, method core.Currency, avail []core.Money) (core.Currency, error) {
	if asked != "" {
		c, err := core.ParseCurrency(string(asked))
		if err != nil {
			return "", core.Invalid("currency", "must be a currency code")
		}
		return c, nil
	}
	if len(avail) == 0 {
		return "", core.Invalid("amount", "nothing is available to pay out yet")
	}
	if !amountIn(avail, method).IsZero() {
		return method, nil
	}
	if len(avail) == 1 {
		return avail[0].Currency, nil
	}
	return "", core.Invalid("currency", "balances are available in several currencies: name one")
}

func amountIn(ms []core.Money, c core.Currency) core.Decimal {
	for _, m := range ms {
		if m.Currency == c {
			return m.Amount
		}
	}
	return core.Zero
}

// reservePosting moves the payout's amount available → in_payout, through
// the fx clearing account when the method's currency differs.
func reservePosting(p Payout) Posting {
	out := Posting{Key: "payout:" + p.ID + ":reserve", Kind: "payout_reserve", PartnerID: p.PartnerID, PayoutID: p.ID,
		Memo: "payout requested"}
	e := func(acct string, cur core.Currency, amt core.Decimal, spill bool) Entry {
		return Entry{PartnerID: p.PartnerID, Account: acct, Currency: cur, Amount: amt, Spill: spill}
	}
	out.Entries = append(out.Entries, e(acctAvailable, p.SourceCurrency, p.SourceAmount.Neg(), false),
		e(acctInPayout, p.Currency, p.Amount, false))
	if p.SourceCurrency != p.Currency {
		out.Entries = append(out.Entries, e(acctFX, p.SourceCurrency, p.SourceAmount, false), e(acctFX, p.Currency, p.Amount.Neg(), false))
	}
	return out
}

// releasePosting returns a failed or cancelled payout's money to available
// (at the rate it was reserved at), repaying a carried-over debt first.
func releasePosting(p Payout) Posting {
	out := reservePosting(p)
	out.Key, out.Kind, out.Memo = "payout:"+p.ID+":release", "payout_release", "payout "+string(p.Status)
	for i := range out.Entries {
		out.Entries[i].Amount = out.Entries[i].Amount.Neg()
		out.Entries[i].Spill = out.Entries[i].Account == acctAvailable
	}
	return out
}

// paidPosting moves a paid payout in_payout → paid.
func paidPosting(p Payout) Posting {
	return Posting{Key: "payout:" + p.ID + ":paid", Kind: "payout_paid", PartnerID: p.PartnerID, PayoutID: p.ID,
		Memo: "payout paid " + p.Reference, Entries: []Entry{
			{PartnerID: p.PartnerID, Account: acctInPayout, Currency: p.Currency, Amount: p.Amount.Neg()},
			{PartnerID: p.PartnerID, Account: acctPaid, Currency: p.Currency, Amount: p.Amount},
		}}
}

// notFound returns err, or a not-found error with msg when err is nil.
func notFound(err error, msg string) error {
	if err != nil {
		return err
	}
	return core.Errorf(core.KindNotFound, "%s", msg)
}
