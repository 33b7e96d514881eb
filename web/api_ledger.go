package web

import (
	"net/http"
	"strconv"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/ledger"
)

// handleLedger serves GET /api/v1/ledger and GET /api/v1/me/ledger: the
// entries behind the balances, newest first, filtered by partner_id (forced
// to the caller for partners, who see only their own accounts, never the
// tenant's cost or revenue), account, currency, conversion_id and
// payout_id; cursor pages backwards.
func handleLedger(s *Server, led *ledger.Service) http.HandlerFunc {
	return needs(led != nil, func(w http.ResponseWriter, r *http.Request) {
		f, err := entryFilter(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		es, err := led.Entries(r.Context(), principal(r).TenantID, f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[ledger.EntryView]{Items: es}
		if out.Items == nil {
			out.Items = []ledger.EntryView{}
		}
		if len(es) == f.Limit {
			out.NextCursor = strconv.FormatInt(es[len(es)-1].ID, 10)
		}
		respond(w, http.StatusOK, out)
	})
}

func entryFilter(r *http.Request) (ledger.EntryFilter, error) {
	q := r.URL.Query()
	f := ledger.EntryFilter{PartnerID: partnerScope(r), Kind: ledger.AccountKind(q.Get("account")),
		ConversionID: q.Get("conversion_id"), PayoutID: q.Get("payout_id"), PartnerSide: principal(r).IsPartner()}
	var err error
	if f.Currency, err = queryCurrency(r, "currency"); err != nil {
		return f, err
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return f, err
	}
	if c := q.Get("cursor"); c != "" {
		if f.Before, err = strconv.ParseInt(c, 10, 64); err != nil || f.Before <= 0 {
			return f, core.Invalid("cursor", "must be a next_cursor from a previous page")
		}
	}
	return f, nil
}

// adjustmentRequest is the body of POST /api/v1/ledger/adjustments.
type adjustmentRequest struct {
	PartnerID string  `json:"partner_id"`
	Kind      string  `json:"kind"`
	Amount    *string `json:"amount"`
	Currency  string  `json:"currency"`
	Memo      string  `json:"memo"`
}

// handleAdjust serves POST /api/v1/ledger/adjustments: a one-off bonus or a
// manual correction on a partner's available balance (an Idempotency-Key
// header makes a retry safe).
func handleAdjust(s *Server, led *ledger.Service) http.HandlerFunc {
	return needs(led != nil, func(w http.ResponseWriter, r *http.Request) {
		var req adjustmentRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		amt, err := parseAmount("amount", req.Amount)
		if err == nil && amt == nil {
			err = core.Invalid("amount", "is required")
		}
		key, kerr := idempotencyKey(r)
		if err != nil || kerr != nil {
			s.writeError(w, r, firstErr(err, kerr))
			return
		}
		a := ledger.Adjustment{PartnerID: req.PartnerID, Kind: ledger.Kind(req.Kind), Amount: *amt,
			Currency: core.Currency(req.Currency), Memo: req.Memo, Key: key}
		p, err := led.Adjust(r.Context(), principal(r).TenantID, a, ledger.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, map[string]any{"transaction_id": p.ID, "duplicate": p.Duplicate, "entries": postedView(p)})
	})
}

// postedEntry is an entry of a posting in an answer.
type postedEntry struct {
	Account  ledger.AccountKind `json:"account"`
	Currency core.Currency      `json:"currency"`
	Amount   core.Decimal       `json:"amount"`
}

func postedView(p ledger.Posted) []postedEntry {
	out := []postedEntry{}
	for _, e := range p.Entries {
		out = append(out, postedEntry{Account: e.Account.Kind, Currency: e.Account.Currency, Amount: e.Amount})
	}
	return out
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// handleReconciliation serves GET /api/v1/ledger/reconciliation: the
// commission per conversion (the conversion_commissions view that stats
// read) against the ledger's entries, to 10^-8, with every mismatch, and
// the trial balance per currency (always zero).
func handleReconciliation(s *Server, led *ledger.Service) http.HandlerFunc {
	return needs(led != nil, func(w http.ResponseWriter, r *http.Request) {
		rec, err := led.Reconcile(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if rec.Trial == nil {
			rec.Trial = []ledger.CurrencyBalance{}
		}
		respond(w, http.StatusOK, rec)
	})
}
