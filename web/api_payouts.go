package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/payout"
)

// payoutRequest is the body of POST /api/v1/payouts.
type payoutRequest struct {
	PartnerID string  `json:"partner_id"`
	Amount    *string `json:"amount"`
	Currency  string  `json:"currency"`
}

// payoutView is a payout with its status history.
type payoutView struct {
	payout.Payout
	History []payout.HistoryEntry `json:"history"`
}

// handlePayoutList serves GET /api/v1/payouts and GET /api/v1/me/payouts:
// payouts newest first, filtered by partner_id (the caller for partners),
// status and batch_id; cursor pages backwards.
func handlePayoutList(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := queryLimit(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		f := payout.Filter{PartnerID: partnerScope(r), Status: payout.Status(q.Get("status")), BatchID: q.Get("batch_id"),
			Before: q.Get("cursor"), Limit: limit}
		ps, err := pay.List(r.Context(), principal(r).TenantID, f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[payout.Payout]{Items: ps}
		if out.Items == nil {
			out.Items = []payout.Payout{}
		}
		if len(ps) == limit {
			out.NextCursor = ps[len(ps)-1].ID
		}
		respond(w, http.StatusOK, out)
	})
}

// handlePayoutCreate serves POST /api/v1/payouts (a partner for itself, or
// the team with partner_id) and POST /api/v1/me/payouts: it reserves the
// amount (default: all available) from the partner's balance. An
// Idempotency-Key header makes a retried request return the same payout.
func handlePayoutCreate(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, func(w http.ResponseWriter, r *http.Request) {
		var req payoutRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		amt, err := parseAmount("amount", req.Amount)
		key, kerr := idempotencyKey(r)
		if err != nil || kerr != nil {
			s.writeError(w, r, firstErr(err, kerr))
			return
		}
		p := principal(r)
		if p.IsPartner() {
			if req.PartnerID != "" && req.PartnerID != p.PartnerID {
				s.writeError(w, r, core.Invalid("partner_id", "a partner requests payouts for itself only"))
				return
			}
			req.PartnerID = p.PartnerID
		}
		if key != "" {
			key = "api:" + req.PartnerID + ":" + key
		}
		po, err := pay.Request(r.Context(), p.TenantID, payout.RequestInput{PartnerID: req.PartnerID, Amount: amt,
			Currency: core.Currency(req.Currency), Key: key}, payout.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, po)
	})
}

// handlePayoutGet serves GET /api/v1/payouts/{id} and GET
// /api/v1/me/payouts/{id}: a payout and its status history. A partner sees
// only its own (others answer 404).
func handlePayoutGet(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (payoutView, error) {
		p := principal(r)
		po, hist, err := pay.Get(r.Context(), p.TenantID, chi.URLParam(r, "id"))
		if err == nil && p.IsPartner() && po.PartnerID != p.PartnerID {
			err = core.Errorf(core.KindNotFound, "payout not found")
		}
		return payoutView{Payout: po, History: hist}, err
	}))
}

// handlePayoutCancel serves POST /api/v1/payouts/{id}/cancel and POST
// /api/v1/me/payouts/{id}/cancel: the money returns to available. A partner
// may withdraw its own request while it awaits approval; the team may also
// cancel an approved payout that was not sent.
func handlePayoutCancel(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (payout.Payout, error) {
		p := principal(r)
		only := ""
		if p.IsPartner() {
			only = p.PartnerID
		}
		return pay.Cancel(r.Context(), p.TenantID, chi.URLParam(r, "id"), only, payout.Actor(s.actor(r)))
	}))
}

// handlePayoutApprove serves POST /api/v1/payouts/{id}/approve: finance
// approves a requested payout, which is then handed to its rail (the
// manual rail leaves it "sending", awaiting mark-paid).
func handlePayoutApprove(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (payout.Payout, error) {
		return pay.Approve(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"), payout.Actor(s.actor(r)))
	}))
}

// confirmRequest is the body of mark-paid and mark-failed.
type confirmRequest struct {
	Reference string `json:"reference"`
	Reason    string `json:"reason"`
}

// handlePayoutMarkPaid serves POST /api/v1/payouts/{id}/mark-paid: finance
// confirms a manual-rail payout with the transfer's reference.
func handlePayoutMarkPaid(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req confirmRequest) (payout.Payout, error) {
		return pay.MarkPaid(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"), req.Reference, payout.Actor(s.actor(r)))
	}))
}

// handlePayoutMarkFailed serves POST /api/v1/payouts/{id}/mark-failed: the
// manual payout could not be made; its money returns to available.
func handlePayoutMarkFailed(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req confirmRequest) (payout.Payout, error) {
		return pay.MarkFailed(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"), req.Reason, payout.Actor(s.actor(r)))
	}))
}
