package web

import (
	"net/http"

	"github.com/affcore/affcore/core/ledger"
)

// handleBalances serves GET /api/v1/balances and GET /api/v1/me/balances:
// balances by state (pending, hold, available, in_payout, paid, reversed,
// carryover) per partner and currency — every partner (or ?partner_id=)
// for the advertiser's team, only the caller's own for a partner.
func handleBalances(s *Server, led *ledger.Service) http.HandlerFunc {
	return needs(led != nil, func(w http.ResponseWriter, r *http.Request) {
		cur, err := queryCurrency(r, "currency")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		bs, err := led.Balances(r.Context(), principal(r).TenantID, partnerScope(r), cur)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if bs == nil {
			bs = []ledger.PartnerBalance{}
		}
		respond(w, http.StatusOK, list[ledger.PartnerBalance]{Items: bs})
	})
}
