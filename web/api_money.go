package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// Helpers shared by the ledger-and-payouts routes (balances, ledger,
// payouts, commission terms, FX rates).

// allowScopeOrPartner lets through partners (who only ever see their own
// money) and team members holding scope.
func (s *Server) allowScopeOrPartner(scope access.Scope) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p := principal(r); !p.IsPartner() && !p.Can(scope) {
				s.writeError(w, r, core.Errorf(core.KindForbidden, "this action needs the %s permission", scope))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// needs answers 503 when a service of the area is not configured (the
// server was built without it), else serves h.
func needs(ok bool, h http.HandlerFunc) http.HandlerFunc {
	if ok {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem{Type: "/problems/unavailable", Title: http.StatusText(http.StatusServiceUnavailable),
			Status: http.StatusServiceUnavailable, Detail: "ledger and payouts are not configured"})
	}
}

// who is the caller as the audit log records it.
type who struct{ Kind, ID, IP string }

// actor returns the caller of r for the audit log.
func (s *Server) actor(r *http.Request) who {
	p := principal(r)
	w := who{Kind: "user", ID: p.UserID, IP: s.deps.ClientIP(r)}
	switch {
	case p.APIKeyID != "":
		w.Kind, w.ID = "api_key", p.APIKeyID
	case p.IsPartner():
		w.Kind, w.ID = "partner", p.PartnerID
	}
	return w
}

// partnerScope returns the partner whose data a request may see: the caller
// itself for a partner, else the partner_id query parameter (empty: all).
func partnerScope(r *http.Request) string {
	if p := principal(r); p.IsPartner() {
		return p.PartnerID
	}
	return r.URL.Query().Get("partner_id")
}

// queryCurrency reads an optional currency query parameter.
func queryCurrency(r *http.Request, name string) (core.Currency, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	c, err := core.ParseCurrency(v)
	if err != nil {
		return "", core.Invalid(name, "must be a currency code")
	}
	return c, nil
}

// queryLimit reads the limit query parameter (1 to 500, default 100).
func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, core.Invalid("limit", "must be 1 to 500")
	}
	return n, nil
}

// parseAmount reads an optional decimal string field.
func parseAmount(field string, v *string) (*core.Decimal, error) {
	if v == nil {
		return nil, nil
	}
	d, err := core.ParseDecimal(strings.TrimSpace(*v))
	if err != nil {
		return nil, core.Invalid(field, `must be a decimal string such as "10.50" (at most 8 places)`)
	}
	return &d, nil
}

// idempotencyKey reads the optional Idempotency-Key header.
func idempotencyKey(r *http.Request) (string, error) {
	k := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(k) > 100 {
		return "", core.Invalid("Idempotency-Key", "at most 100 characters")
	}
	return k, nil
}
