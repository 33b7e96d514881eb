package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// LoginInput is a login attempt. Tenant (slug or id) selects a partner
// identity; without it the email is an advertiser team member's.
type LoginInput struct {
	Email, Password, TOTPCode, Tenant string
}

// LoginResult is a successful first or second login step.
type LoginResult struct {
	Token    string
	Kind     access.Kind
	TenantID core.TenantID
	// MFARequired: the password was right and 2FA is on; repeat with TOTPCode.
	MFARequired bool
	// MFASetupRequired: the tenant requires 2FA and this member must set it up.
	MFASetupRequired bool
}

var errBadCredentials = core.Errorf(core.KindUnauthorized, "wrong email or password")

// Login checks credentials (and the second factor when enabled) and starts a
// session. Failures count towards a temporary lockout of the account.
func (s *Service) Login(ctx context.Context, in LoginInput, meta LoginMeta) (LoginResult, error) {
	email, err := normEmail("email", in.Email)
	if err != nil {
		return LoginResult{}, err
	}
	if in.Password == "" {
		return LoginResult{}, core.Invalid("password", "is required")
	}
	kind, acct, tenant, err := s.findAccount(ctx, email, in.Tenant)
	if err != nil && core.KindOf(err) != core.KindNotFound {
		return LoginResult{}, err
	}
	lockKey := "login:" + string(tenant.ID) + ":" + email
	if err := s.checkLock(ctx, lockKey); err != nil {
		return LoginResult{}, err
	}
	if err != nil || !verifyPassword(in.Password, acct.PasswordHash) || acct.Status != "active" {
		if err != nil {
			verifyPassword(in.Password, s.dummyHash) // same cost for unknown emails
		}
		return LoginResult{}, s.fail(ctx, lockKey, tenant.ID, "auth.login_failed", email, meta.IP, errBadCredentials)
	}
	if err := tenant.usable(s.clock.Now()); err != nil && core.KindOf(err) == core.KindForbidden {
		return LoginResult{}, err
	}
	res := LoginResult{Kind: access.Kind(kind), TenantID: tenant.ID}
	if acct.TOTPEnabled {
		if in.TOTPCode == "" {
			return LoginResult{MFARequired: true, Kind: res.Kind, TenantID: tenant.ID}, nil
		}
		if err := s.checkSecondFactor(ctx, kind, acct, in.TOTPCode); err != nil {
			return LoginResult{}, s.fail(ctx, lockKey, tenant.ID, "auth.2fa_failed", email, meta.IP, err)
		}
	}
	_ = s.store.ClearFailures(ctx, lockKey)
	if res.Token, err = s.startSession(ctx, tenant.ID, kind, acct.ID, meta); err != nil {
		return LoginResult{}, err
	}
	res.MFASetupRequired = kind == SubjectUser && tenant.Require2FA && !acct.TOTPEnabled
	s.audit.Record(ctx, tenant.ID, AuditEvent{ActorKind: kind, ActorID: acct.ID, Action: "auth.login", IP: meta.IP})
	return res, nil
}

// findAccount looks up a team member by email, or a partner of the named tenant.
func (s *Service) findAccount(ctx context.Context, email, tenantRef string) (string, Account, Tenant, error) {
	if tenantRef == "" {
		u, err := s.store.GetUserByEmail(ctx, email)
		if err != nil {
			return SubjectUser, Account{}, Tenant{}, err
		}
		t, err := s.store.GetTenant(ctx, u.TenantID)
		return SubjectUser, u.Account, t, err
	}
	t, err := s.tenantByRef(ctx, tenantRef)
	if err != nil {
		return SubjectPartner, Account{}, Tenant{}, err
	}
	p, err := s.store.GetPartnerByEmail(ctx, t.ID, email)
	return SubjectPartner, p.Account, t, err
}

// tenantByRef finds a tenant by slug or id.
func (s *Service) tenantByRef(ctx context.Context, ref string) (Tenant, error) {
	if strings.HasPrefix(ref, "ten_") {
		return s.store.GetTenant(ctx, core.TenantID(ref))
	}
	return s.store.GetTenantBySlug(ctx, ref)
}

// checkLock refuses while key is locked out.
func (s *Service) checkLock(ctx context.Context, key string) error {
	until, err := s.store.LockedUntil(ctx, key)
	if err != nil {
		return fmt.Errorf("check lockout: %w", err)
	}
	if until.After(s.clock.Now()) {
		return core.Errorf(core.KindRateLimited, "too many failed attempts; try again after %s", until.Format(time.RFC3339))
	}
	return nil
}

// fail records a failed attempt, audits it, and returns err (or a lockout error).
func (s *Service) fail(ctx context.Context, key string, tenant core.TenantID, action, email, ip string, err error) error {
	until, ferr := s.store.RecordFailure(ctx, key, s.clock.Now(), s.cfg.LockWindow, s.cfg.LockThreshold, s.cfg.LockFor)
	if ferr != nil {
		return fmt.Errorf("record failed attempt: %w", ferr)
	}
	if tenant != "" {
		s.audit.Record(ctx, tenant, AuditEvent{ActorKind: "anonymous", ActorID: email, Action: action, IP: ip})
	}
	if !until.IsZero() {
		return core.Errorf(core.KindRateLimited, "too many failed attempts; try again after %s", until.Format(time.RFC3339))
	}
	return err
}

// startSession records a session and returns its first token.
func (s *Service) startSession(ctx context.Context, tenant core.TenantID, kind, subject string, meta LoginMeta) (string, error) {
	now := s.clock.Now()
	sess := Session{ID: core.NewID("ses"), TenantID: tenant, SubjectKind: kind, SubjectID: subject, IP: meta.IP,
		UserAgent: truncate(meta.UserAgent, 512), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return s.issueJWT(sess, now)
}

// Logout revokes the caller's session.
func (s *Service) Logout(ctx context.Context, tenant core.TenantID, p access.Principal) error {
	if p.SessionID == "" {
		return core.Errorf(core.KindInvalid, "API keys have no session; revoke the key instead")
	}
	return s.store.RevokeSession(ctx, tenant, p.SessionID, s.clock.Now())
}

// Refresh exchanges a well-signed session token — expired or not — for a new
// one while its session is alive and not idle too long.
func (s *Service) Refresh(ctx context.Context, token, ip string) (string, access.Principal, error) {
	c, err := s.parseJWT(token)
	if err != nil && !errors.Is(err, errTokenExpired) {
		return "", access.Principal{}, err
	}
	sess, p, err := s.sessionPrincipal(ctx, c)
	if err != nil {
		return "", access.Principal{}, err
	}
	now := s.clock.Now()
	if now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle {
		return "", access.Principal{}, core.Errorf(core.KindUnauthorized, "session ended after inactivity; log in again")
	}
	if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
		return "", access.Principal{}, fmt.Errorf("refresh session: %w", err)
	}
	tok, err := s.issueJWT(sess, now)
	return tok, p, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
