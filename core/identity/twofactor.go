package identity

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// minuteGranularity limits how often key and session use is written.
const minuteGranularity = time.Minute

// TOTPSetup is what a member needs to add affcore to an authenticator app.
type TOTPSetup struct {
	Secret     string // base32, for manual entry
	OTPAuthURL string // otpauth:// URL, for the QR code
	QRPNG      []byte // the QR code as a PNG image
}

// subject returns the account kind and id of p.
func subject(p access.Principal) (string, string) {
	if p.IsPartner() {
		return SubjectPartner, p.PartnerID
	}
	return SubjectUser, p.UserID
}

// account loads the account behind p.
func (s *Service) account(ctx context.Context, p access.Principal) (Account, Tenant, error) {
	t, err := s.store.GetTenant(ctx, p.TenantID)
	if err != nil {
		return Account{}, Tenant{}, err
	}
	if p.IsPartner() {
		part, err := s.store.GetPartner(ctx, p.TenantID, p.PartnerID)
		return part.Account, t, err
	}
	u, err := s.store.GetUser(ctx, p.TenantID, p.UserID)
	return u.Account, t, err
}

// SetupTOTP starts 2FA enrolment: a new secret is stored (not yet enabled)
// and returned once as text, URL and QR code.
func (s *Service) SetupTOTP(ctx context.Context, tenant core.TenantID, p access.Principal) (TOTPSetup, error) {
	if p.APIKeyID != "" {
		return TOTPSetup{}, core.Errorf(core.KindForbidden, "two-factor set-up needs a login session")
	}
	acct, t, err := s.account(ctx, p)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("setup 2fa: %w", err)
	}
	if acct.TOTPEnabled {
		return TOTPSetup{}, core.Errorf(core.KindConflict, "two-factor authentication is already on; turn it off first")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: t.DisplayName(), AccountName: acct.Email, Rand: rand.Reader})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("generate totp secret: %w", err)
	}
	kind, id := subject(p)
	sealed := s.sealer.Seal([]byte(key.Secret()), aad(tenant, kind, id))
	if err := s.store.SetTOTP(ctx, kind, tenant, id, sealed, false, nil); err != nil {
		return TOTPSetup{}, fmt.Errorf("store totp secret: %w", err)
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("render qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPSetup{}, fmt.Errorf("encode qr code: %w", err)
	}
	return TOTPSetup{Secret: key.Secret(), OTPAuthURL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// EnableTOTP turns 2FA on after the member proves the app works, and returns
// ten one-time backup codes, shown only this once.
func (s *Service) EnableTOTP(ctx context.Context, tenant core.TenantID, p access.Principal, code string) ([]string, error) {
	acct, _, err := s.account(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("enable 2fa: %w", err)
	}
	if acct.TOTPEnabled || len(acct.TOTPSecret) == 0 {
		return nil, core.Errorf(core.KindConflict, "start the set-up first (POST /api/v1/me/2fa/setup)")
	}
	kind, id := subject(p)
	if err := s.verifyTOTP(tenant, kind, id, acct.TOTPSecret, code); err != nil {
		return nil, s.fail(ctx, "totp:"+id, tenant, "auth.2fa_failed", acct.Email, "", err)
	}
	codes, hashes := newBackupCodes()
	if err := s.store.SetTOTP(ctx, kind, tenant, id, acct.TOTPSecret, true, hashes); err != nil {
		return nil, fmt.Errorf("enable 2fa: %w", err)
	}
	return codes, nil
}

// DisableTOTP turns 2FA off; it needs a current code (or a backup code).
// Members of a tenant that requires 2FA cannot turn it off.
func (s *Service) DisableTOTP(ctx context.Context, tenant core.TenantID, p access.Principal, code string) error {
	acct, t, err := s.account(ctx, p)
	if err != nil {
		return fmt.Errorf("disable 2fa: %w", err)
	}
	if !acct.TOTPEnabled {
		return core.Errorf(core.KindConflict, "two-factor authentication is not on")
	}
	if t.Require2FA && !p.IsPartner() {
		return core.Errorf(core.KindForbidden, "your organisation requires two-factor authentication")
	}
	kind, id := subject(p)
	if err := s.checkSecondFactor(ctx, kind, acct, code); err != nil {
		return s.fail(ctx, "totp:"+id, tenant, "auth.2fa_failed", acct.Email, "", err)
	}
	return s.store.SetTOTP(ctx, kind, tenant, id, nil, false, nil)
}

// checkSecondFactor accepts a current TOTP code or an unused backup code.
func (s *Service) checkSecondFactor(ctx context.Context, kind string, acct Account, code string) error {
	if err := s.checkLock(ctx, "totp:"+acct.ID); err != nil {
		return err
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) == 6 {
		return s.verifyTOTP(acct.TenantID, kind, acct.ID, acct.TOTPSecret, code)
	}
	ok, err := s.store.UseBackupCode(ctx, kind, acct.TenantID, acct.ID, backupHash(code))
	if err != nil {
		return fmt.Errorf("check backup code: %w", err)
	}
	if !ok {
		return core.Invalid("totp_code", "is not a valid authentication or backup code")
	}
	return nil
}

// verifyTOTP validates a 6-digit code (±1 step of clock skew).
func (s *Service) verifyTOTP(tenant core.TenantID, kind, id string, sealed []byte, code string) error {
	secret, err := s.sealer.Open(sealed, aad(tenant, kind, id))
	if err != nil {
		return fmt.Errorf("open totp secret: %w", err)
	}
	ok, err := totp.ValidateCustom(strings.TrimSpace(code), string(secret), s.clock.Now(),
		totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil || !ok {
		return core.Invalid("totp_code", "is not a valid authentication code")
	}
	return nil
}

// newBackupCodes returns ten codes (xxxxx-xxxxx) and their hashes.
func newBackupCodes() ([]string, []string) {
	codes, hashes := make([]string, 10), make([]string, 10)
	for i := range codes {
		b := make([]byte, 7)
		_, _ = rand.Read(b)
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:10]
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = backupHash(codes[i])
	}
	return codes, hashes
}

// backupHash normalises and hashes a backup code.
func backupHash(code string) string {
	c := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
	return fmt.Sprintf("%x", hashToken("backup:"+c))
}

// aad binds a sealed secret to its owner.
func aad(tenant core.TenantID, kind, id string) []byte {
	return []byte("totp:" + string(tenant) + ":" + kind + ":" + id)
}
