package web

import (
	"encoding/base64"
	"net/http"

	"github.com/affcore/affcore/core/identity"
)

// handleTOTPSetup serves POST /api/v1/me/2fa/setup: a new secret as text, an
// otpauth URL and a QR code (PNG data URL) for an authenticator app.
func (s *Server) handleTOTPSetup(id *identity.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		st, err := id.SetupTOTP(r.Context(), p.TenantID, p)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]string{"secret": st.Secret, "otpauth_url": st.OTPAuthURL,
			"qr_code": "data:image/png;base64," + base64.StdEncoding.EncodeToString(st.QRPNG)})
	}
}

// handleTOTPEnable serves POST /api/v1/me/2fa/enable {code} → {backup_codes},
// shown only this once.
func (s *Server) handleTOTPEnable(id *identity.Service) http.HandlerFunc {
	type request struct {
		Code string `json:"code"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		codes, err := id.EnableTOTP(r.Context(), p.TenantID, p, req.Code)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, map[string]any{"enabled": true, "backup_codes": codes})
	}
}

// handleTOTPDisable serves POST /api/v1/me/2fa/disable {code}.
func (s *Server) handleTOTPDisable(id *identity.Service) http.HandlerFunc {
	type request struct {
		Code string `json:"code"`
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		p := principal(r)
		if err := id.DisableTOTP(r.Context(), p.TenantID, p, req.Code); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
