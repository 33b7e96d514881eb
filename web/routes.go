package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// PublicRoutes lists every route that answers without credentials, as
// "METHOD /pattern". The route-walking security test treats every other
// route as authenticated and checks it denies strangers; adding a public
// route means adding it here, on purpose.
var PublicRoutes = map[string]bool{
	"GET /healthz":             true,
	"GET /readyz":              true,
	"GET /metrics":             true,
	"GET /api/v1/openapi.json": true,
}

// routes builds the route table: every route affcore serves is listed here.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(withRequestID, s.observe, s.recoverer)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, core.Errorf(core.KindNotFound, "no such route"))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem{Type: "/problems/method_not_allowed", Title: "Method Not Allowed",
			Status: http.StatusMethodNotAllowed, Detail: "method not allowed on this route"})
	})

	r.Get("/healthz", handleHealthz())
	r.Get("/readyz", handleReadyz(s.deps.Checks))
	r.Method(http.MethodGet, "/metrics", handleMetrics(s.deps.Registry))
	r.Get("/api/v1/openapi.json", handleOpenAPI())

	// Authenticated API: each group below is one area.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		r.Get("/api/v1/me", handleMe())
	})

	// Ledger and payouts: balances, ledger entries, payouts and their
	// approval, payout settings and methods, commission terms and periods,
	// FX rates. Balances, ledger and payouts also answer partners, who see
	// only their own.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		led, com, pay := s.deps.Ledger, s.deps.Commission, s.deps.Payouts
		read, write, approve := s.allowScopeOrPartner(access.PayoutsRead), s.allowScopeOrPartner(access.PayoutsWrite), s.requireScope(access.PayoutsApprove)
		r.With(read).Get("/api/v1/balances", handleBalances(s, led))
		r.With(read).Get("/api/v1/ledger", handleLedger(s, led))
		r.With(approve).Post("/api/v1/ledger/adjustments", handleAdjust(s, led))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/ledger/reconciliation", handleReconciliation(s, led))
		r.With(read).Get("/api/v1/payouts", handlePayoutList(s, pay))
		r.With(write).Post("/api/v1/payouts", handlePayoutCreate(s, pay))
		r.With(read).Get("/api/v1/payouts/{id}", handlePayoutGet(s, pay))
		r.With(write).Post("/api/v1/payouts/{id}/cancel", handlePayoutCancel(s, pay))
		r.With(approve).Post("/api/v1/payouts/{id}/approve", handlePayoutApprove(s, pay))
		r.With(approve).Post("/api/v1/payouts/{id}/mark-paid", handlePayoutMarkPaid(s, pay))
		r.With(approve).Post("/api/v1/payouts/{id}/mark-failed", handlePayoutMarkFailed(s, pay))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/payout-batches", handleBatchList(s, pay))
		r.With(s.requireScope(access.PayoutsWrite)).Post("/api/v1/payout-batches", handleBatchCreate(s, pay))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/payout-batches/{id}", handleBatchGet(s, pay))
		r.With(approve).Post("/api/v1/payout-batches/{id}/approve", handleBatchApprove(s, pay))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/payout-settings", handlePayoutSettingsGet(s, pay))
		r.With(approve).Put("/api/v1/payout-settings", handlePayoutSettingsPut(s, pay))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/partners/{id}/payout-settings", handlePartnerSettingsGet(s, pay))
		r.With(s.requireScope(access.PartnersWrite)).Put("/api/v1/partners/{id}/payout-settings", handlePartnerSettingsPut(s, pay))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/partners/{id}/payout-method", handleMethodGet(s, pay))
		r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/commission-terms", handleTermsList(s, com))
		r.With(s.requireScope(access.PartnersWrite)).Post("/api/v1/commission-terms", handleTermsCreate(s, com))
		r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/commission-terms/{id}", handleTermsGet(s, com))
		r.With(s.requireScope(access.PartnersWrite)).Delete("/api/v1/commission-terms/{id}", handleTermsEnd(s, com))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/commission-periods", handlePeriodsList(s, com))
		r.With(approve).Post("/api/v1/commission-periods/{period}/close", handlePeriodClose(s, com))
		r.With(s.requireScope(access.PayoutsRead)).Get("/api/v1/fx-rates", handleRatesList(s, led))
		r.With(s.requireScope(access.PayoutsWrite)).Post("/api/v1/fx-rates", handleRateSet(s, led))
		r.With(s.requirePartner).Get("/api/v1/me/balances", handleBalances(s, led))
		r.With(s.requirePartner).Get("/api/v1/me/ledger", handleLedger(s, led))
		r.With(s.requirePartner).Get("/api/v1/me/payouts", handlePayoutList(s, pay))
		r.With(s.requirePartner).Post("/api/v1/me/payouts", handlePayoutCreate(s, pay))
		r.With(s.requirePartner).Get("/api/v1/me/payouts/{id}", handlePayoutGet(s, pay))
		r.With(s.requirePartner).Post("/api/v1/me/payouts/{id}/cancel", handlePayoutCancel(s, pay))
		r.With(s.requirePartner).Get("/api/v1/me/payout-method", handleMethodGet(s, pay))
		r.With(s.requirePartner).Put("/api/v1/me/payout-method", handleMethodPut(s, pay))
	})
	return r
}
