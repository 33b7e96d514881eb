package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
)

// Generic shapes of the catalogue's CRUD handlers. Each reads the tenant from
// the principal and the id from the path.

func serveList[T any](s *Server, fn func(context.Context, core.TenantID) ([]T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items, err := fn(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, list[T]{Items: items})
	}
}

func serveGet[T any](s *Server, fn func(context.Context, core.TenantID, string) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, v)
	}
}

// serveWrite decodes a Req body and calls fn with the path id ("" on create).
func serveWrite[Req, T any](s *Server, status int, fn func(context.Context, core.TenantID, string, Req) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var q Req
		if err := decode(w, r, &q); err != nil {
			s.writeError(w, r, err)
			return
		}
		v, err := fn(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"), q)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, status, v)
	}
}

func serveDelete(s *Server, fn func(context.Context, core.TenantID, string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(r.Context(), principal(r).TenantID, chi.URLParam(r, "id")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// landingRequest is the body of POST and PUT /api/v1/landings.
type landingRequest struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// handleLandingList serves GET /api/v1/landings.
func (s *Server) handleLandingList(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveList(s, c.Landings)
}

// handleLandingCreate serves POST /api/v1/landings.
func (s *Server) handleLandingCreate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusCreated, func(ctx context.Context, t core.TenantID, _ string, q landingRequest) (catalog.Landing, error) {
		return c.CreateLanding(ctx, t, catalog.Landing{Name: q.Name, URL: q.URL})
	})
}

// handleLandingGet serves GET /api/v1/landings/{id}.
func (s *Server) handleLandingGet(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveGet(s, c.Landing)
}

// handleLandingUpdate serves PUT /api/v1/landings/{id}.
func (s *Server) handleLandingUpdate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusOK, func(ctx context.Context, t core.TenantID, id string, q landingRequest) (catalog.Landing, error) {
		return c.UpdateLanding(ctx, t, catalog.Landing{ID: id, Name: q.Name, URL: q.URL})
	})
}

// handleLandingDelete serves DELETE /api/v1/landings/{id}.
func (s *Server) handleLandingDelete(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveDelete(s, c.DeleteLanding)
}

// sourceRequest is the body of POST and PUT /api/v1/sources.
type sourceRequest struct {
	Name string `json:"name"`
}

// handleSourceList serves GET /api/v1/sources.
func (s *Server) handleSourceList(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveList(s, c.Sources)
}

// handleSourceCreate serves POST /api/v1/sources.
func (s *Server) handleSourceCreate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusCreated, func(ctx context.Context, t core.TenantID, _ string, q sourceRequest) (catalog.Source, error) {
		return c.CreateSource(ctx, t, catalog.Source{Name: q.Name})
	})
}

// handleSourceGet serves GET /api/v1/sources/{id}.
func (s *Server) handleSourceGet(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveGet(s, c.Source)
}

// handleSourceUpdate serves PUT /api/v1/sources/{id}.
func (s *Server) handleSourceUpdate(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveWrite(s, http.StatusOK, func(ctx context.Context, t core.TenantID, id string, q sourceRequest) (catalog.Source, error) {
		return c.UpdateSource(ctx, t, catalog.Source{ID: id, Name: q.Name})
	})
}

// handleSourceDelete serves DELETE /api/v1/sources/{id}.
func (s *Server) handleSourceDelete(c *catalog.Service) http.HandlerFunc {
	if c == nil {
		return s.unavailable("the catalogue")
	}
	return serveDelete(s, c.DeleteSource)
}
