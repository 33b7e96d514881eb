package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// resetTTL is how long an emailed reset link is valid.
const resetTTL = time.Hour

// RequestPasswordReset emails a one-hour reset link when the account exists.
// It answers the same either way, so it cannot be used to probe emails.
// tenantRef (slug or id) selects a partner account.
func (s *Service) RequestPasswordReset(ctx context.Context, email, tenantRef, ip string) error {
	email, err := normEmail("email", email)
	if err != nil {
		return err
	}
	kind, acct, t, err := s.findAccount(ctx, email, tenantRef)
	if err != nil {
		if core.KindOf(err) == core.KindNotFound {
			return nil
		}
		return fmt.Errorf("password reset: %w", err)
	}
	token, hash := newToken()
	now := s.clock.Now()
	r := PasswordReset{TokenHash: hash, TenantID: t.ID, SubjectKind: kind, SubjectID: acct.ID, ExpiresAt: now.Add(resetTTL)}
	if err := s.store.CreatePasswordReset(ctx, r); err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	link, from := s.cfg.BaseURL+"/reset-password?token="+token, t.Name
	if kind == SubjectPartner {
		link, from = s.cfg.BaseURL+"/p/"+t.Slug+"/reset-password?token="+token, t.DisplayName()
	}
	s.audit.Record(ctx, t.ID, AuditEvent{ActorKind: kind, ActorID: acct.ID, Action: "auth.password_reset_requested", IP: ip})
	return s.mail.Send(ctx, Mail{TenantID: t.ID, To: email, FromName: from, Subject: "Reset your password",
		Body: fmt.Sprintf("Someone asked to reset the password of %s.\n\nSet a new password (the link is valid for one hour):\n%s\n\nIf it was not you, ignore this email.\n", email, link)})
}

// ResetPassword sets a new password with a reset token and revokes every
// session of the account. A password that fails the policy leaves the link
// usable.
func (s *Service) ResetPassword(ctx context.Context, token, password, ip string) error {
	check := func(r PasswordReset) error {
		acct, err := s.accountByKind(ctx, r.SubjectKind, r.TenantID, r.SubjectID)
		if err != nil {
			return err
		}
		return s.checkPassword("password", password, acct.Email)
	}
	r, err := s.store.UsePasswordReset(ctx, hashToken(token), s.clock.Now(), check)
	if err != nil {
		if k := core.KindOf(err); k == core.KindNotFound || k == core.KindGone {
			return &core.Error{Kind: core.KindGone, Message: "this reset link is invalid, used or expired",
				Fields: []core.FieldError{{Field: "token", Message: "is invalid, used or expired"}}}
		}
		return fmt.Errorf("reset password: %w", err)
	}
	if err := s.store.SetPassword(ctx, r.SubjectKind, r.TenantID, r.SubjectID, hashPassword(password, s.cfg.Argon), s.clock.Now()); err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	s.audit.Record(ctx, r.TenantID, AuditEvent{ActorKind: r.SubjectKind, ActorID: r.SubjectID, Action: "auth.password_reset", IP: ip})
	return nil
}

// ChangePassword changes the caller's password after checking the current
// one, revokes every session, and returns a fresh token for this one.
func (s *Service) ChangePassword(ctx context.Context, tenant core.TenantID, p access.Principal, current, next string, meta LoginMeta) (string, error) {
	if p.SessionID == "" {
		return "", core.Errorf(core.KindForbidden, "passwords are changed in a login session")
	}
	acct, _, err := s.account(ctx, p)
	if err != nil {
		return "", fmt.Errorf("change password: %w", err)
	}
	kind, id := subject(p)
	if !verifyPassword(current, acct.PasswordHash) {
		return "", s.fail(ctx, "password:"+id, tenant, "auth.password_change_failed", acct.Email, meta.IP,
			core.Invalid("current_password", "is wrong"))
	}
	if err := s.checkPassword("new_password", next, acct.Email); err != nil {
		return "", err
	}
	if err := s.store.SetPassword(ctx, kind, tenant, id, hashPassword(next, s.cfg.Argon), s.clock.Now()); err != nil {
		return "", fmt.Errorf("change password: %w", err)
	}
	return s.startSession(ctx, tenant, kind, id, meta)
}

// accountByKind loads a user's or partner's account.
func (s *Service) accountByKind(ctx context.Context, kind string, tenant core.TenantID, id string) (Account, error) {
	if kind == SubjectPartner {
		p, err := s.store.GetPartner(ctx, tenant, id)
		return p.Account, err
	}
	u, err := s.store.GetUser(ctx, tenant, id)
	return u.Account, err
}
