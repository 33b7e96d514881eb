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
	"GET /healthz":                             true,
	"GET /readyz":                              true,
	"GET /metrics":                             true,
	"GET /api/v1/openapi.json":                 true,
	"GET /dev/outbox":                          true,
	"POST /api/v1/auth/signup":                 true,
	"POST /api/v1/auth/login":                  true,
	"POST /api/v1/auth/partner-signup":         true,
	"GET /api/v1/auth/invites/{token}":         true,
	"POST /api/v1/auth/team-accept":            true,
	"POST /api/v1/auth/password-reset":         true,
	"POST /api/v1/auth/password-reset/confirm": true,

	// Web UI: the pages' HTML shell, versioned assets, and a portal's brand.
	"GET /api/v1/portal/{slug}": true,
	"GET /assets/{version}/*":   true,
	"GET /":                     true,
	"GET /login":                true,
	"GET /signup":               true,
	"GET /reset-password":       true,
	"GET /team/join":            true,
	"GET /app":                  true,
	"GET /app/*":                true,
	"GET /p/{slug}":             true,
	"GET /p/{slug}/*":           true,

	// Tracking: the click path and conversion postbacks (the postback
	// authenticates with the tenant's postback token, not a session).
	"GET /c/{token}":                  true,
	"GET /api/v1/track/{campaign_id}": true,
	"POST /api/v1/track":              true,
	"GET /api/v1/postback":            true,
	"POST /api/v1/postback":           true,
}

// AnyCallerRoutes lists the authenticated routes open to every caller —
// team member, partner or API key — because they concern only the caller.
var AnyCallerRoutes = map[string]bool{
	"GET /api/v1/me":              true,
	"POST /api/v1/auth/logout":    true,
	"POST /api/v1/auth/password":  true,
	"POST /api/v1/me/2fa/setup":   true,
	"POST /api/v1/me/2fa/enable":  true,
	"POST /api/v1/me/2fa/disable": true,
}

// SharedRoutes lists the advertiser routes that partners may call too: an
// advertiser sees every partner's data (with the route's permission), a
// partner only its own. The security test checks a partner sees nothing of
// another partner's there.
var SharedRoutes = map[string]bool{
	"GET /api/v1/balances":                true,
	"GET /api/v1/ledger":                  true,
	"GET /api/v1/payouts":                 true,
	"POST /api/v1/payouts":                true,
	"GET /api/v1/payouts/{id}":            true,
	"POST /api/v1/payouts/{id}/cancel":    true,
	"GET /api/v1/postbacks/outgoing":      true,
	"GET /api/v1/postbacks/outgoing/{id}": true,
}

// routes builds the route table: every route affcore serves is listed here.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(withRequestID, s.observe, s.recoverer, securityHeaders)
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
	r.Get("/dev/outbox", s.handleDevOutbox())

	if id := s.deps.Identity; id != nil {
		// Identity: public authentication routes, rate limited per client IP.
		r.With(s.rateLimit(limitSignup)).Post("/api/v1/auth/signup", s.handleSignup(id))
		r.With(s.rateLimit(limitLogin)).Post("/api/v1/auth/login", s.handleLogin(id))
		r.With(s.rateLimit(limitPartnerSignup)).Post("/api/v1/auth/partner-signup", s.handlePartnerSignup(id))
		r.With(s.rateLimit(limitInvite)).Get("/api/v1/auth/invites/{token}", s.handleInviteLookup(id))
		r.With(s.rateLimit(limitPartnerSignup)).Post("/api/v1/auth/team-accept", s.handleTeamAccept(id))
		r.With(s.rateLimit(limitReset)).Post("/api/v1/auth/password-reset", s.handleResetRequest(id))
		r.With(s.rateLimit(limitReset)).Post("/api/v1/auth/password-reset/confirm", s.handleResetConfirm(id))
	}

	// Web UI: cabinet and partner-portal pages, their assets, the portal brand.
	r.Group(s.uiRoutes)

	// Authenticated API: each group below is one area.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate, s.audited)
		r.Get("/api/v1/me", s.handleMe())
		if id := s.deps.Identity; id != nil {
			s.identityRoutes(r)
		}
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
	// Tracking area: the public click path and postbacks; the catalogue,
	// partner access to offers, the partner portal's offers, links and stats;
	// conversions and stats.
	r.Group(func(r chi.Router) {
		d := s.deps
		// Public: the click path and postbacks.
		r.Get("/c/{token}", s.handleClick(d.Tracker))
		r.Get("/api/v1/track/{campaign_id}", s.handleClick(d.Tracker))
		r.Post("/api/v1/track", s.handleTrackServer(d.Tracker))
		r.Get("/api/v1/postback", s.handlePostback(d.Conversions))
		r.Post("/api/v1/postback", s.handlePostback(d.Conversions))

		// Tracking area: authenticated advertiser and partner routes.
		r.Group(func(r chi.Router) {
			r.Use(s.authenticate, s.audited)
			scope := func(sc access.Scope) chi.Router { return r.With(s.requireScope(sc)) }
			scope(access.OffersRead).Get("/api/v1/offers", s.handleOfferList(d.Catalog))
			scope(access.OffersWrite).Post("/api/v1/offers", s.handleOfferCreate(d.Catalog))
			scope(access.OffersRead).Get("/api/v1/offers/{id}", s.handleOfferGet(d.Catalog))
			scope(access.OffersWrite).Put("/api/v1/offers/{id}", s.handleOfferUpdate(d.Catalog))
			scope(access.OffersWrite).Delete("/api/v1/offers/{id}", s.handleOfferDelete(d.Catalog))

			scope(access.CampaignsRead).Get("/api/v1/landings", s.handleLandingList(d.Catalog))
			scope(access.CampaignsWrite).Post("/api/v1/landings", s.handleLandingCreate(d.Catalog))
			scope(access.CampaignsRead).Get("/api/v1/landings/{id}", s.handleLandingGet(d.Catalog))
			scope(access.CampaignsWrite).Put("/api/v1/landings/{id}", s.handleLandingUpdate(d.Catalog))
			scope(access.CampaignsWrite).Delete("/api/v1/landings/{id}", s.handleLandingDelete(d.Catalog))

			scope(access.CampaignsRead).Get("/api/v1/sources", s.handleSourceList(d.Catalog))
			scope(access.CampaignsWrite).Post("/api/v1/sources", s.handleSourceCreate(d.Catalog))
			scope(access.CampaignsRead).Get("/api/v1/sources/{id}", s.handleSourceGet(d.Catalog))
			scope(access.CampaignsWrite).Put("/api/v1/sources/{id}", s.handleSourceUpdate(d.Catalog))
			scope(access.CampaignsWrite).Delete("/api/v1/sources/{id}", s.handleSourceDelete(d.Catalog))

			scope(access.CampaignsRead).Get("/api/v1/campaigns", s.handleCampaignList(d.Catalog))
			scope(access.CampaignsWrite).Post("/api/v1/campaigns", s.handleCampaignCreate(d.Catalog))
			scope(access.CampaignsRead).Get("/api/v1/campaigns/{id}", s.handleCampaignGet(d.Catalog))
			scope(access.CampaignsWrite).Put("/api/v1/campaigns/{id}", s.handleCampaignUpdate(d.Catalog))
			scope(access.CampaignsWrite).Delete("/api/v1/campaigns/{id}", s.handleCampaignDelete(d.Catalog))

			scope(access.PartnersRead).Get("/api/v1/partners/{id}/offers", s.handleGrantsGet(d.Catalog))
			scope(access.PartnersWrite).Put("/api/v1/partners/{id}/offers", s.handleGrantsPut(d.Catalog))

			scope(access.ReportsRead).Get("/api/v1/conversions", s.handleConversionList(d.Conversions))
			scope(access.ReportsRead).Get("/api/v1/postbacks/incoming", s.handlePostbackLog(d.Conversions))
			scope(access.ReportsRead).Get("/api/v1/stats", s.handleStats(d.Stats, false))

			partner := r.With(s.requirePartner)
			partner.Get("/api/v1/me/offers", s.handleMyOffers(d.Catalog))
			partner.Post("/api/v1/me/links", s.handleMyLink(d.Catalog, d.Links))
			partner.Get("/api/v1/me/stats", s.handleStats(d.Stats, true))
		})
	})

	// Outgoing postbacks: partners' postback settings (portal), tenant
	// webhooks, and the delivery log both cabinets read.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate, s.audited)
		pb := s.deps.Postbacks
		me := r.With(s.requirePartner)
		me.Get("/api/v1/me/postback", s.handleMyPostbackGet(pb))
		me.Put("/api/v1/me/postback", s.handleMyPostbackPut(pb))
		me.Delete("/api/v1/me/postback", s.handleMyPostbackDelete(pb))
		me.Post("/api/v1/me/postback/test", s.handlePostbackTest(pb, partnerSelf, false))
		me.Post("/api/v1/me/postback/secret", s.handlePostbackSecret(pb, partnerSelf))
		me.Get("/api/v1/me/postbacks", s.handlePostbackList(pb, partnerSelf))
		me.Post("/api/v1/me/postbacks", s.handlePostbackCreate(pb, partnerSelf))
		me.Get("/api/v1/me/postbacks/{id}", s.handlePostbackGet(pb, partnerSelf))
		me.Put("/api/v1/me/postbacks/{id}", s.handlePostbackPut(pb, partnerSelf))
		me.Delete("/api/v1/me/postbacks/{id}", s.handlePostbackDelete(pb, partnerSelf))

		hooks := r.With(s.requireScope(access.SettingsWrite))
		hooks.Get("/api/v1/webhooks", s.handlePostbackList(pb, tenantWebhooks))
		hooks.Post("/api/v1/webhooks", s.handlePostbackCreate(pb, tenantWebhooks))
		hooks.Post("/api/v1/webhooks/secret", s.handlePostbackSecret(pb, tenantWebhooks))
		hooks.Get("/api/v1/webhooks/{id}", s.handlePostbackGet(pb, tenantWebhooks))
		hooks.Put("/api/v1/webhooks/{id}", s.handlePostbackPut(pb, tenantWebhooks))
		hooks.Delete("/api/v1/webhooks/{id}", s.handlePostbackDelete(pb, tenantWebhooks))
		hooks.Post("/api/v1/webhooks/{id}/test", s.handlePostbackTest(pb, tenantWebhooks, true))

		r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/partners/{id}/postbacks", s.handlePartnerPostbacks(pb))
		r.With(s.requireScope(access.PartnersWrite)).Post("/api/v1/partners/{id}/postback/test", s.handlePostbackTest(pb, partnerInPath, false))

		logs := r.With(s.requirePartnerOrScope(access.ReportsRead))
		logs.Get("/api/v1/postbacks/outgoing", s.handleOutgoingList(pb))
		logs.Get("/api/v1/postbacks/outgoing/{id}", s.handleOutgoingGet(pb))
		r.With(s.requireScope(access.PartnersWrite)).Post("/api/v1/postbacks/outgoing/{id}/replay", s.handleOutgoingReplay(pb))
	})

	// Plugins area: marketplace, tenant uploads, installations and their logs.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate, s.serviceAvailable(s.deps.Plugins != nil, "plugins"))
		read, write := r.With(s.requireScope(access.PluginsRead)), r.With(s.requireScope(access.PluginsWrite))
		p := s.deps.Plugins
		read.Get("/api/v1/marketplace", handleMarketplace(s, p))
		read.Get("/api/v1/plugins/installed", handlePluginsInstalled(s, p))
		read.Get("/api/v1/plugins/{id}/logs", handlePluginLogs(s, p, s.deps.PluginLogs))
		write.Post("/api/v1/plugins", handlePluginUpload(s, p))
		write.Post("/api/v1/plugins/{id}/install", handlePluginInstall(s, p))
		write.Post("/api/v1/plugins/{id}/upgrade", handlePluginUpgrade(s, p))
		write.Post("/api/v1/plugins/{id}/enable", handlePluginChange(s, p, "enable"))
		write.Post("/api/v1/plugins/{id}/disable", handlePluginChange(s, p, "disable"))
		write.Post("/api/v1/plugins/{id}/rollback", handlePluginChange(s, p, "rollback"))
		write.Delete("/api/v1/plugins/{id}", handlePluginChange(s, p, "uninstall"))
	})
	return r
}

// identityRoutes: the caller's own account, team, API keys, partners and
// invites, tenant settings and the audit log.
func (s *Server) identityRoutes(r chi.Router) {
	id := s.deps.Identity
	r.Post("/api/v1/auth/logout", s.handleLogout(id))
	r.Post("/api/v1/auth/password", s.handlePasswordChange(id))
	r.Post("/api/v1/me/2fa/setup", s.handleTOTPSetup(id))
	r.Post("/api/v1/me/2fa/enable", s.handleTOTPEnable(id))
	r.Post("/api/v1/me/2fa/disable", s.handleTOTPDisable(id))

	r.With(s.requireScope(access.TeamRead)).Get("/api/v1/team", s.handleTeamList(id))
	r.With(s.requireScope(access.TeamWrite)).Post("/api/v1/team/invites", s.handleTeamInvite(id))
	r.With(s.requireScope(access.TeamWrite)).Delete("/api/v1/team/invites/{id}", s.handleTeamInviteRevoke(id))
	r.With(s.requireScope(access.TeamWrite)).Put("/api/v1/team/{id}", s.handleMemberUpdate(id))
	r.With(s.requireScope(access.TeamWrite)).Delete("/api/v1/team/{id}", s.handleMemberRemove(id))

	r.With(s.requireScope(access.APIKeysManage)).Get("/api/v1/api-keys", s.handleAPIKeyList(id))
	r.With(s.requireScope(access.APIKeysManage)).Post("/api/v1/api-keys", s.handleAPIKeyCreate(id))
	r.With(s.requireScope(access.APIKeysManage)).Delete("/api/v1/api-keys/{id}", s.handleAPIKeyRevoke(id))

	r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/partners", s.handlePartnerList(id))
	r.With(s.requireScope(access.PartnersWrite)).Post("/api/v1/partners/invites", s.handleInviteCreate(id))
	r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/partners/invites", s.handleInviteList(id))
	r.With(s.requireScope(access.PartnersWrite)).Delete("/api/v1/partners/invites/{id}", s.handleInviteRevoke(id))
	r.With(s.requireScope(access.PartnersRead)).Get("/api/v1/partners/{id}", s.handlePartnerGet(id))
	r.With(s.requireScope(access.PartnersWrite)).Put("/api/v1/partners/{id}", s.handlePartnerUpdate(id))

	r.With(s.requireScope(access.TeamRead)).Get("/api/v1/tenant", s.handleTenantGet(id))
	r.With(s.requireScope(access.SettingsWrite)).Put("/api/v1/tenant", s.handleTenantUpdate(id))
	r.With(s.requireScope(access.SettingsWrite)).Post("/api/v1/tenant/postback-token/rotate", s.handlePostbackTokenRotate(id))

	if s.deps.Audit != nil {
		r.With(s.requireScope(access.AuditRead)).Get("/api/v1/audit-log", s.handleAuditList(s.deps.Audit))
	}
}
