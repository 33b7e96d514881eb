package web

import (
	"net/http"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/identity"
)

// sessionCookieTTL is how long the browser keeps the session cookie; the JWT
// inside is short-lived and refreshed while the session lives.
const sessionCookieTTL = 30 * 24 * time.Hour

// setSessionCookie gives browsers the session as an HttpOnly cookie.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.deps.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(sessionCookieTTL.Seconds())})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.deps.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func (s *Server) loginMeta(r *http.Request) identity.LoginMeta {
	return identity.LoginMeta{IP: s.deps.ClientIP(r), UserAgent: r.UserAgent()}
}

// handleSignup serves POST /api/v1/auth/signup: an advertiser signs up and
// gets a tenant on a 30-day trial.
func (s *Server) handleSignup(id *identity.Service) http.HandlerFunc {
	type request struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Company  string `json:"company"`
		Plan     string `json:"plan"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := id.Signup(r.Context(), identity.SignupInput(req), s.loginMeta(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.setSessionCookie(w, res.Token)
		respond(w, http.StatusCreated, map[string]any{"tenant_id": res.TenantID, "user_id": res.UserID,
			"token": res.Token, "trial_ends_at": res.TrialEndsAt})
	}
}

// handleLogin serves POST /api/v1/auth/login. With 2FA on and no code it
// answers {mfa_required: true}; repeat with totp_code (or a backup code).
// tenant (slug or id) selects a partner identity of that program.
func (s *Server) handleLogin(id *identity.Service) http.HandlerFunc {
	type request struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		TOTPCode string `json:"totp_code"`
		Tenant   string `json:"tenant"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := id.Login(r.Context(), identity.LoginInput{Email: req.Email, Password: req.Password,
			TOTPCode: req.TOTPCode, Tenant: req.Tenant}, s.loginMeta(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if res.MFARequired {
			respond(w, http.StatusOK, map[string]any{"mfa_required": true})
			return
		}
		s.setSessionCookie(w, res.Token)
		respond(w, http.StatusOK, map[string]any{"token": res.Token, "kind": res.Kind, "tenant_id": res.TenantID,
			"mfa_setup_required": res.MFASetupRequired})
	}
}

// handleLogout serves POST /api/v1/auth/logout: the session is revoked.
func (s *Server) handleLogout(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		if err := id.Logout(r.Context(), p.TenantID, p); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.clearSessionCookie(w)
		w.WriteHeader(http.StatusNoContent)
	}
}

// handlePartnerSignup serves POST /api/v1/auth/partner-signup: the only way a
// partner registers, through an advertiser's invite.
func (s *Server) handlePartnerSignup(id *identity.Service) http.HandlerFunc {
	type request struct {
		InviteToken string `json:"invite_token"`
		Email       string `json:"email"`
		Password    string `json:"password"`
		Name        string `json:"name"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		pid, token, err := id.PartnerSignup(r.Context(), identity.PartnerSignupInput(req), s.loginMeta(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.setSessionCookie(w, token)
		respond(w, http.StatusCreated, map[string]any{"partner_id": pid, "token": token})
	}
}

// handleInviteLookup serves GET /api/v1/auth/invites/{token}: what the
// partner registration page shows (the program's brand, a bound email).
func (s *Server) handleInviteLookup(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		info, err := id.LookupPartnerInvite(r.Context(), urlParam(r, "token"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]any{"program": info.Name, "slug": info.Slug, "email": info.Email, "branding": info.Brand})
	}
}

// handleTeamAccept serves POST /api/v1/auth/team-accept: an invited team
// member sets a name and password and is logged in.
func (s *Server) handleTeamAccept(id *identity.Service) http.HandlerFunc {
	type request struct {
		Token    string `json:"token"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := id.AcceptTeamInvite(r.Context(), identity.AcceptInput(req), s.loginMeta(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.setSessionCookie(w, res.Token)
		respond(w, http.StatusCreated, map[string]any{"token": res.Token, "tenant_id": res.TenantID})
	}
}

// handleResetRequest serves POST /api/v1/auth/password-reset: a reset link is
// emailed when the account exists; the answer is the same either way.
func (s *Server) handleResetRequest(id *identity.Service) http.HandlerFunc {
	type request struct {
		Email  string `json:"email"`
		Tenant string `json:"tenant"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := id.RequestPasswordReset(r.Context(), req.Email, req.Tenant, s.deps.ClientIP(r)); err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusAccepted, map[string]string{"status": "if the account exists, a reset link has been emailed"})
	}
}

// handleResetConfirm serves POST /api/v1/auth/password-reset/confirm.
func (s *Server) handleResetConfirm(id *identity.Service) http.HandlerFunc {
	type request struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if req.Token == "" {
			s.writeError(w, r, core.Invalid("token", "is required"))
			return
		}
		if err := id.ResetPassword(r.Context(), req.Token, req.Password, s.deps.ClientIP(r)); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// handlePasswordChange serves POST /api/v1/auth/password: every session ends
// and the caller gets a new token.
func (s *Server) handlePasswordChange(id *identity.Service) http.HandlerFunc {
	type request struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		token, err := id.ChangePassword(r.Context(), p.TenantID, p, req.CurrentPassword, req.NewPassword, s.loginMeta(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.setSessionCookie(w, token)
		respond(w, http.StatusOK, map[string]string{"token": token})
	}
}
