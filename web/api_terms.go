package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
)

// handleTermsList serves GET /api/v1/commission-terms: terms filtered by
// partner_id, offer_id, campaign_id and active_at (RFC 3339; every version
// when absent), newest first.
func handleTermsList(s *Server, com *commission.Service) http.HandlerFunc {
	return needs(com != nil, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := commission.TermsFilter{PartnerID: q.Get("partner_id"), OfferID: q.Get("offer_id"), CampaignID: q.Get("campaign_id")}
		if v := q.Get("active_at"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.writeError(w, r, core.Invalid("active_at", "must be an RFC 3339 time"))
				return
			}
			f.ActiveAt = t
		}
		ts, err := com.ListTerms(r.Context(), principal(r).TenantID, f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if ts == nil {
			ts = []commission.Terms{}
		}
		respond(w, http.StatusOK, list[commission.Terms]{Items: ts})
	})
}

// handleTermsCreate serves POST /api/v1/commission-terms: attach a model
// (cpa, cpl, revshare, hybrid, tiered) with its params to a partner, an
// offer, a campaign, or a partner on one offer or campaign, from
// effective_from (default now; never in the past).
func handleTermsCreate(s *Server, com *commission.Service) http.HandlerFunc {
	return needs(com != nil, func(w http.ResponseWriter, r *http.Request) {
		var in commission.NewTerms
		if err := decode(w, r, &in); err != nil {
			s.writeError(w, r, err)
			return
		}
		t, err := com.CreateTerms(r.Context(), principal(r).TenantID, in, commission.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, t)
	})
}

// handleTermsGet serves GET /api/v1/commission-terms/{id}.
func handleTermsGet(s *Server, com *commission.Service) http.HandlerFunc {
	return needs(com != nil, func(w http.ResponseWriter, r *http.Request) {
		t, err := com.GetTerms(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, t)
	})
}

// handleTermsEnd serves DELETE /api/v1/commission-terms/{id}: the terms end
// now; commissions already decided under them stay as they are.
func handleTermsEnd(s *Server, com *commission.Service) http.HandlerFunc {
	return needs(com != nil, func(w http.ResponseWriter, r *http.Request) {
		t, err := com.EndTerms(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"), commission.Actor(s.actor(r)))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, t)
	})
}

// handlePeriodsList serves GET /api/v1/commission-periods: closed periods.
func handlePeriodsList(s *Server, com *commission.Service) http.HandlerFunc {
	return needs(com != nil, func(w http.ResponseWriter, r *http.Request) {
		ps, err := com.ClosedPeriods(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if ps == nil {
			ps = []commission.ClosedPeriod{}
		}
		respond(w, http.StatusOK, list[commission.ClosedPeriod]{Items: ps})
	})
}

// handlePeriodClose serves POST /api/v1/commission-periods/{period}/close
// (period YYYY-MM, ended): threshold bonuses and the negative carryover
// rule. The scheduler closes past periods by itself; this closes one now.
func handlePeriodClose(s *Server, com *commission.Service) http.HandlerFunc {
	return needs(com != nil, func(w http.ResponseWriter, r *http.Request) {
		period, err := time.Parse("2006-01", chi.URLParam(r, "period"))
		if err != nil {
			s.writeError(w, r, core.Invalid("period", "must be a month, YYYY-MM"))
			return
		}
		if err := com.ClosePeriod(r.Context(), principal(r).TenantID, period, commission.Actor(s.actor(r))); err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]string{"period": period.Format("2006-01"), "status": "closed"})
	})
}
