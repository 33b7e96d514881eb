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

type signupRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Company  string `json:"company"`
	Plan     string `json:"plan"`
}

type signupResponse struct {
	TenantID    core.TenantID `json:"tenant_id"`
	UserID      string        `json:"user_id"`
	Token       string        `json:"token"`
	TrialEndsAt time.Time     `json:"trial_ends_at"`
}

// handleSignup serves POST /api/v1/auth/signup: an advertiser signs up and
// gets a tenant on a 30-day trial.
func (s *Server) handleSignup(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, req signupRequest) (signupResponse, error) {
		res, err := id.Signup(r.Context(), identity.SignupInput(req), s.loginMeta(r))
		if err != nil {
			return signupResponse{}, err
		}
		s.setSessionCookie(w, res.Token)
		return signupResponse(res), nil
	})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code"`
	Tenant   string `json:"tenant"`
}

type loginResponse struct {
	Token            string        `json:"token,omitempty"`
	Kind             string        `json:"kind,omitempty"`
	TenantID         core.TenantID `json:"tenant_id,omitempty"`
	MFARequired      bool          `json:"mfa_required,omitempty"`
	MFASetupRequired bool          `json:"mfa_setup_required,omitempty"`
}

// handleLogin serves POST /api/v1/auth/login. With 2FA on and no code it
// answers {mfa_required: true}; repeat with totp_code (or a backup code).
// tenant (slug or id) selects a partner identity of that program.
func (s *Server) handleLogin(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, req loginRequest) (loginResponse, error) {
		res, err := id.Login(r.Context(), identity.LoginInput(req), s.loginMeta(r))
		if err != nil || res.MFARequired {
			return loginResponse{MFARequired: res.MFARequired}, err
		}
		s.setSessionCookie(w, res.Token)
		return loginResponse{Token: res.Token, Kind: string(res.Kind), TenantID: res.TenantID, MFASetupRequired: res.MFASetupRequired}, nil
	})
}

// handleLogout serves POST /api/v1/auth/logout: the session is revoked.
func (s *Server) handleLogout(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(w http.ResponseWriter, r *http.Request, _ none) (none, error) {
		p := principal(r)
		if err := id.Logout(r.Context(), p.TenantID, p); err != nil {
			return none{}, err
		}
		s.clearSessionCookie(w)
		return none{}, nil
	})
}

type partnerSignupRequest struct {
	InviteToken string `json:"invite_token"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	Name        string `json:"name"`
}

type partnerSignupResponse struct {
	PartnerID string `json:"partner_id"`
	Token     string `json:"token"`
}

// handlePartnerSignup serves POST /api/v1/auth/partner-signup: the only way a
// partner registers, through an advertiser's invite.
func (s *Server) handlePartnerSignup(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, req partnerSignupRequest) (partnerSignupResponse, error) {
		pid, token, err := id.PartnerSignup(r.Context(), identity.PartnerSignupInput(req), s.loginMeta(r))
		if err != nil {
			return partnerSignupResponse{}, err
		}
		s.setSessionCookie(w, token)
		return partnerSignupResponse{PartnerID: pid, Token: token}, nil
	})
}

type inviteInfoResponse struct {
	Program  string            `json:"program"`
	Slug     string            `json:"slug"`
	Email    string            `json:"email"`
	Branding identity.Branding `json:"branding"`
}

// handleInviteLookup serves GET /api/v1/auth/invites/{token}: what the
// partner registration page shows (the program's brand, a bound email).
func (s *Server) handleInviteLookup(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (inviteInfoResponse, error) {
		info, err := id.LookupPartnerInvite(r.Context(), urlParam(r, "token"))
		return inviteInfoResponse{Program: info.Name, Slug: info.Slug, Email: info.Email, Branding: info.Brand}, err
	})
}

type teamAcceptRequest struct {
	Token    string `json:"token"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// handleTeamAccept serves POST /api/v1/auth/team-accept: an invited team
// member sets a name and password and is logged in.
func (s *Server) handleTeamAccept(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, req teamAcceptRequest) (loginResponse, error) {
		res, err := id.AcceptTeamInvite(r.Context(), identity.AcceptInput(req), s.loginMeta(r))
		if err != nil {
			return loginResponse{}, err
		}
		s.setSessionCookie(w, res.Token)
		return loginResponse{Token: res.Token, TenantID: res.TenantID}, nil
	})
}

type resetRequest struct {
	Email  string `json:"email"`
	Tenant string `json:"tenant"`
}

// handleResetRequest serves POST /api/v1/auth/password-reset: a reset link is
// emailed when the account exists; the answer is the same either way.
func (s *Server) handleResetRequest(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusAccepted, func(_ http.ResponseWriter, r *http.Request, req resetRequest) (map[string]string, error) {
		err := id.RequestPasswordReset(r.Context(), req.Email, req.Tenant, s.deps.ClientIP(r))
		return map[string]string{"status": "if the account exists, a reset link has been emailed"}, err
	})
}

type resetConfirmRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// handleResetConfirm serves POST /api/v1/auth/password-reset/confirm.
func (s *Server) handleResetConfirm(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, req resetConfirmRequest) (none, error) {
		if req.Token == "" {
			return none{}, core.Invalid("token", "is required")
		}
		return none{}, id.ResetPassword(r.Context(), req.Token, req.Password, s.deps.ClientIP(r))
	})
}

type passwordChangeRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// handlePasswordChange serves POST /api/v1/auth/password: every session ends
// and the caller gets a new token.
func (s *Server) handlePasswordChange(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, req passwordChangeRequest) (loginResponse, error) {
		p := principal(r)
		token, err := id.ChangePassword(r.Context(), p.TenantID, p, req.CurrentPassword, req.NewPassword, s.loginMeta(r))
		if err != nil {
			return loginResponse{}, err
		}
		s.setSessionCookie(w, token)
		return loginResponse{Token: token}, nil
	})
}
