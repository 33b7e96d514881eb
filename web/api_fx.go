package web

import (
	"net/http"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/ledger"
)

// rateRequest is the body of POST /api/v1/fx-rates.
type rateRequest struct {
	Day   string `json:"day"`
	Base  string `json:"base"`
	Quote string `json:"quote"`
	Rate  string `json:"rate"`
}

// handleRatesList serves GET /api/v1/fx-rates: rates filtered by base,
// quote, from and to (YYYY-MM-DD), newest first.
func handleRatesList(s *Server, led *ledger.Service) http.HandlerFunc {
	return needs(led != nil, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := ledger.RateFilter{Base: core.Currency(q.Get("base")), Quote: core.Currency(q.Get("quote"))}
		for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
			if v := q.Get(name); v != "" {
				t, err := time.Parse(time.DateOnly, v)
				if err != nil {
					s.writeError(w, r, core.Invalid(name, "must be a date, YYYY-MM-DD"))
					return
				}
				*dst = t
			}
		}
		rs, err := led.Rates(r.Context(), principal(r).TenantID, f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if rs == nil {
			rs = []ledger.Rate{}
		}
		respond(w, http.StatusOK, list[ledger.Rate]{Items: rs})
	})
}

// handleRateSet serves POST /api/v1/fx-rates: records the rate of a day
// (1 base = rate quote), replacing an earlier entry for that day and pair.
// Payouts convert at the newest rate on or before their day.
func handleRateSet(s *Server, led *ledger.Service) http.HandlerFunc {
	return needs(led != nil, func(w http.ResponseWriter, r *http.Request) {
		var req rateRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		day, err := time.Parse(time.DateOnly, req.Day)
		if err != nil {
			s.writeError(w, r, core.Invalid("day", "must be a date, YYYY-MM-DD"))
			return
		}
		rate, err := led.SetRate(r.Context(), principal(r).TenantID, ledger.Rate{Day: day, Base: core.Currency(req.Base),
			Quote: core.Currency(req.Quote), Rate: req.Rate, CreatedBy: s.actor(r).ID})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, rate)
	})
}
