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

func newMemberView(u identity.User) memberView {
	return memberView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Status: u.Status, TwoFactor: u.TOTPEnabled, CreatedAt: u.CreatedAt}
}

type teamView struct {
	Members []memberView     `json:"members"`
	Invites []teamInviteView `json:"invites"`
}

// handleTeamList serves GET /api/v1/team: members and pending invitations.
func (s *Server) handleTeamList(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (teamView, error) {
		users, invites, err := id.Members(r.Context(), principal(r).TenantID)
		return teamView{Members: mapSlice(users, newMemberView), Invites: mapSlice(invites, newTeamInviteView)}, err
	})
}

type teamInviteRequest struct {
	Email string      `json:"email"`
	Role  access.Role `json:"role"`
}

// handleTeamInvite serves POST /api/v1/team/invites {email, role}.
func (s *Server) handleTeamInvite(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusCreated, func(_ http.ResponseWriter, r *http.Request, req teamInviteRequest) (teamInviteView, error) {
		p := principal(r)
		inv, err := id.InviteMember(r.Context(), p.TenantID, p, req.Email, req.Role)
		return newTeamInviteView(inv), err
	})
}

// handleTeamInviteRevoke serves DELETE /api/v1/team/invites/{id}.
func (s *Server) handleTeamInviteRevoke(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, _ none) (none, error) {
		return none{}, id.RevokeTeamInvite(r.Context(), principal(r).TenantID, urlParam(r, "id"))
	})
}

type roleRequest struct {
	Role access.Role `json:"role"`
}

// handleMemberUpdate serves PUT /api/v1/team/{id} {role}.
func (s *Server) handleMemberUpdate(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req roleRequest) (memberView, error) {
		p := principal(r)
		u, err := id.SetRole(r.Context(), p.TenantID, p, urlParam(r, "id"), req.Role)
		return newMemberView(u), err
	})
}

// handleMemberRemove serves DELETE /api/v1/team/{id}.
func (s *Server) handleMemberRemove(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, _ none) (none, error) {
		p := principal(r)
		return none{}, id.RemoveMember(r.Context(), p.TenantID, p, urlParam(r, "id"))
	})
}
