package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/payout"
)

// settingsRequest is the body of PUT /api/v1/payout-settings.
type settingsRequest struct {
	HoldDays          int     `json:"hold_days"`
	MinPayout         *string `json:"min_payout"`
	MinPayoutCurrency string  `json:"min_payout_currency"`
	Schedule          string  `json:"schedule"`
	Rail              string  `json:"rail"`
}

// handlePayoutSettingsGet serves GET /api/v1/payout-settings.
func handlePayoutSettingsGet(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (payout.Settings, error) {
		return pay.Settings(r.Context(), principal(r).TenantID)
	}))
}

// handlePayoutSettingsPut serves PUT /api/v1/payout-settings: hold period,
// minimum payout, schedule and rail for the whole program.
func handlePayoutSettingsPut(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, func(w http.ResponseWriter, r *http.Request) {
		cur, err := pay.Settings(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		minStr := cur.MinPayout.String()
		req := settingsRequest{HoldDays: cur.HoldDays, MinPayout: &minStr, MinPayoutCurrency: string(cur.MinPayoutCurrency),
			Schedule: cur.Schedule, Rail: cur.Rail} // fields left out keep their value
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		minPayout, err := parseAmount("min_payout", req.MinPayout)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		in := payout.Settings{HoldDays: req.HoldDays, MinPayoutCurrency: core.Currency(req.MinPayoutCurrency),
			Schedule: req.Schedule, Rail: req.Rail}
		if minPayout != nil {
			in.MinPayout = *minPayout
		}
		st, err := pay.SetSettings(r.Context(), principal(r).TenantID, in, payout.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, st)
	})
}

// partnerSettingsRequest is the body of PUT /api/v1/partners/{id}/payout-settings.
type partnerSettingsRequest struct {
	HoldDays          *int    `json:"hold_days"`
	MinPayout         *string `json:"min_payout"`
	NegativeCarryover bool    `json:"negative_carryover"`
}

// handlePartnerSettingsGet serves GET /api/v1/partners/{id}/payout-settings.
func handlePartnerSettingsGet(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, func(w http.ResponseWriter, r *http.Request) {
		ps, err := pay.PartnerSettings(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, ps)
	})
}

// handlePartnerSettingsPut serves PUT /api/v1/partners/{id}/payout-settings:
// the partner's hold period and minimum (null: the program's) and its
// negative-carryover policy (carry a negative balance into the next period,
// or reset it at period close).
func handlePartnerSettingsPut(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, func(w http.ResponseWriter, r *http.Request) {
		var req partnerSettingsRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		minPayout, err := parseAmount("min_payout", req.MinPayout)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		in := payout.PartnerSettings{PartnerID: chi.URLParam(r, "id"), HoldDays: req.HoldDays, MinPayout: minPayout,
			NegativeCarryover: req.NegativeCarryover}
		ps, err := pay.SetPartnerSettings(r.Context(), principal(r).TenantID, in, payout.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, ps)
	})
}

// handleMethodGet serves GET /api/v1/partners/{id}/payout-method and GET
// /api/v1/me/payout-method.
func handleMethodGet(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (payout.Method, error) {
		p := principal(r)
		partner := chi.URLParam(r, "id")
		if p.IsPartner() {
			partner = p.PartnerID
		}
		return pay.GetMethod(r.Context(), p.TenantID, partner)
	}))
}

// handleMethodPut serves PUT /api/v1/me/payout-method: the partner sets
// where it is paid (crypto address + network + memo/tag, bank or manual
// details), validated per network.
func handleMethodPut(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, m payout.Method) (payout.Method, error) {
		p := principal(r)
		return pay.SetMethod(r.Context(), p.TenantID, p.PartnerID, m, payout.Actor(s.actor(r)))
	}))
}

// batchRequest is the body of POST /api/v1/payout-batches.
type batchRequest struct {
	PayoutIDs []string `json:"payout_ids"`
}

// handleBatchCreate serves POST /api/v1/payout-batches: groups the given
// requested payouts (or every unbatched requested one) for approval.
func handleBatchCreate(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, func(w http.ResponseWriter, r *http.Request) {
		var req batchRequest
		if r.ContentLength != 0 {
			if err := decode(w, r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		b, err := pay.CreateBatch(r.Context(), principal(r).TenantID, req.PayoutIDs, payout.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, b)
	})
}

// handleBatchList serves GET /api/v1/payout-batches.
func handleBatchList(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveList(s, func(ctx context.Context, t core.TenantID) ([]payout.Batch, error) {
		bs, err := pay.Batches(ctx, t)
		if bs == nil {
			bs = []payout.Batch{}
		}
		return bs, err
	}))
}

// handleBatchGet serves GET /api/v1/payout-batches/{id}.
func handleBatchGet(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveGet(s, pay.Batch))
}

// handleBatchApprove serves POST /api/v1/payout-batches/{id}/approve:
// approves every payout of the batch still awaiting approval.
func handleBatchApprove(s *Server, pay *payout.Service) http.HandlerFunc {
	return needs(pay != nil, serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (list[payout.Payout], error) {
		ps, err := pay.ApproveBatch(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"), payout.Actor(s.actor(r)))
		return list[payout.Payout]{Items: ps}, err
	}))
}
