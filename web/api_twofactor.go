package web

import (
	"encoding/base64"
	"net/http"

	"github.com/affcore/affcore/core/identity"
)

type totpSetupResponse struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
	QRCode     string `json:"qr_code"`
}

// handleTOTPSetup serves POST /api/v1/me/2fa/setup: a new secret as text, an
// otpauth URL and a QR code (PNG data URL) for an authenticator app.
func (s *Server) handleTOTPSetup(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, _ none) (totpSetupResponse, error) {
		p := principal(r)
		st, err := id.SetupTOTP(r.Context(), p.TenantID, p)
		return totpSetupResponse{Secret: st.Secret, OTPAuthURL: st.OTPAuthURL,
			QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(st.QRPNG)}, err
	})
}

type totpCodeRequest struct {
	Code string `json:"code"`
}

type totpEnabledResponse struct {
	Enabled     bool     `json:"enabled"`
	BackupCodes []string `json:"backup_codes"`
}

// handleTOTPEnable serves POST /api/v1/me/2fa/enable {code} → {backup_codes},
// shown only this once.
func (s *Server) handleTOTPEnable(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req totpCodeRequest) (totpEnabledResponse, error) {
		p := principal(r)
		codes, err := id.EnableTOTP(r.Context(), p.TenantID, p, req.Code)
		return totpEnabledResponse{Enabled: err == nil, BackupCodes: codes}, err
	})
}

// handleTOTPDisable serves POST /api/v1/me/2fa/disable {code}.
func (s *Server) handleTOTPDisable(id *identity.Service) http.HandlerFunc {
	return serveJSON(s, http.StatusNoContent, func(_ http.ResponseWriter, r *http.Request, req totpCodeRequest) (none, error) {
		p := principal(r)
		return none{}, id.DisableTOTP(r.Context(), p.TenantID, p, req.Code)
	})
}
