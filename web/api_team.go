package web

import (
	"net/http"
	"time"

	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/identity"
)

type memberView struct {
	ID        string      `json:"id"`
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Role      access.Role `json:"role"`
	Status    string      `json:"status"`
	TwoFactor bool        `json:"two_factor"`
	CreatedAt time.Time   `json:"created_at"`
}

type teamInviteView struct {
	ID        string      `json:"id"`
	Email     string      `json:"email"`
	Role      access.Role `json:"role"`
	ExpiresAt time.Time   `json:"expires_at"`
	CreatedAt time.Time   `json:"created_at"`
}

func newTeamInviteView(i identity.TeamInvite) teamInviteView {
	return teamInviteView{ID: i.ID, Email: i.Email, Role: i.Role, ExpiresAt: i.ExpiresAt, CreatedAt: i.CreatedAt}
}

// handleTeamList serves GET /api/v1/team: members and pending invitations.
func (s *Server) handleTeamList(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		users, invites, err := id.Members(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := struct {
			Members []memberView     `json:"members"`
			Invites []teamInviteView `json:"invites"`
		}{Members: []memberView{}, Invites: []teamInviteView{}}
		for _, u := range users {
			out.Members = append(out.Members, memberView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role,
				Status: u.Status, TwoFactor: u.TOTPEnabled, CreatedAt: u.CreatedAt})
		}
		for _, i := range invites {
			out.Invites = append(out.Invites, newTeamInviteView(i))
		}
		respond(w, http.StatusOK, out)
	}
}

// handleTeamInvite serves POST /api/v1/team/invites {email, role}.
func (s *Server) handleTeamInvite(id *identity.Service) http.HandlerFunc {
	type request struct {
		Email string      `json:"email"`
		Role  access.Role `json:"role"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		inv, err := id.InviteMember(r.Context(), p.TenantID, p, req.Email, req.Role)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, newTeamInviteView(inv))
	}
}

// handleTeamInviteRevoke serves DELETE /api/v1/team/invites/{id}.
func (s *Server) handleTeamInviteRevoke(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := id.RevokeTeamInvite(r.Context(), principal(r).TenantID, urlParam(r, "id")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleMemberUpdate serves PUT /api/v1/team/{id} {role}.
func (s *Server) handleMemberUpdate(id *identity.Service) http.HandlerFunc {
	type request struct {
		Role access.Role `json:"role"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		u, err := id.SetRole(r.Context(), p.TenantID, p, urlParam(r, "id"), req.Role)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, memberView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Status: u.Status,
			TwoFactor: u.TOTPEnabled, CreatedAt: u.CreatedAt})
	}
}

// handleMemberRemove serves DELETE /api/v1/team/{id}.
func (s *Server) handleMemberRemove(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		if err := id.RemoveMember(r.Context(), p.TenantID, p, urlParam(r, "id")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
