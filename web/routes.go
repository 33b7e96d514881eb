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
	// Tracking area: the click path and conversion postbacks (the postback
	// authenticates with the tenant's postback token, not a session).
	"GET /c/{token}":                  true,
	"GET /api/v1/track/{campaign_id}": true,
	"POST /api/v1/track":              true,
	"GET /api/v1/postback":            true,
	"POST /api/v1/postback":           true,
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
			r.Use(s.authenticate)
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
	return r
}
