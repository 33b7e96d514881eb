package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// API key prefixes: live keys, and test keys whose writes are test data.
const (
	LiveKeyPrefix = "ak_live_"
	TestKeyPrefix = "ak_test_"
)

var errInvalidToken = core.Errorf(core.KindUnauthorized, "invalid or expired token")

// Authenticate turns a bearer token — a session JWT or an API key — into the
// caller's Principal. Revoked sessions, disabled members, suspended partners
// and revoked or expired keys are refused.
func (s *Service) Authenticate(ctx context.Context, token, ip string) (access.Principal, error) {
	if strings.HasPrefix(token, LiveKeyPrefix) || strings.HasPrefix(token, TestKeyPrefix) {
		return s.authenticateKey(ctx, token, ip)
	}
	c, err := s.parseJWT(token)
	if err != nil {
		return access.Principal{}, err
	}
	_, p, err := s.sessionPrincipal(ctx, c)
	return p, err
}

// sessionPrincipal checks the session behind verified claims and builds the Principal.
func (s *Service) sessionPrincipal(ctx context.Context, c sessionClaims) (Session, access.Principal, error) {
	sess, err := s.store.GetSession(ctx, c.ID)
	if err != nil {
		if core.KindOf(err) == core.KindNotFound {
			return Session{}, access.Principal{}, errInvalidToken
		}
		return Session{}, access.Principal{}, fmt.Errorf("load session: %w", err)
	}
	now := s.clock.Now()
	if !sess.RevokedAt.IsZero() || now.After(sess.ExpiresAt) || sess.SubjectID != c.Subject || string(sess.TenantID) != c.TID {
		return Session{}, access.Principal{}, errInvalidToken
	}
	t, err := s.store.GetTenant(ctx, sess.TenantID)
	if err != nil {
		return Session{}, access.Principal{}, fmt.Errorf("load tenant: %w", err)
	}
	if t.Status == "suspended" {
		return Session{}, access.Principal{}, core.Errorf(core.KindForbidden, "this account is suspended")
	}
	p := access.Principal{TenantID: sess.TenantID, SessionID: sess.ID}
	if sess.SubjectKind == SubjectPartner {
		part, err := s.store.GetPartner(ctx, sess.TenantID, sess.SubjectID)
		if err != nil || part.Status != "active" {
			return Session{}, access.Principal{}, errInvalidToken
		}
		p.Kind, p.PartnerID = access.KindPartner, part.ID
		return sess, p, nil
	}
	u, err := s.store.GetUser(ctx, sess.TenantID, sess.SubjectID)
	if err != nil || u.Status != "active" {
		return Session{}, access.Principal{}, errInvalidToken
	}
	p.Kind, p.UserID, p.Role = access.KindUser, u.ID, u.Role
	p.MFASetupRequired = t.Require2FA && !u.TOTPEnabled
	return sess, p, nil
}

// authenticateKey checks an API key: known, not revoked or expired, its
// creator still active, and the tenant's plan includes API access.
func (s *Service) authenticateKey(ctx context.Context, key, ip string) (access.Principal, error) {
	k, err := s.store.GetAPIKeyByHash(ctx, hashToken(key))
	if err != nil {
		if core.KindOf(err) == core.KindNotFound {
			return access.Principal{}, core.Errorf(core.KindUnauthorized, "invalid API key")
		}
		return access.Principal{}, fmt.Errorf("load api key: %w", err)
	}
	now := s.clock.Now()
	if !k.RevokedAt.IsZero() || (!k.ExpiresAt.IsZero() && now.After(k.ExpiresAt)) || !k.CreatorActive {
		return access.Principal{}, core.Errorf(core.KindUnauthorized, "API key revoked or expired")
	}
	t, err := s.store.GetTenant(ctx, k.TenantID)
	if err != nil {
		return access.Principal{}, fmt.Errorf("load tenant: %w", err)
	}
	if err := t.Entitled(FeatureAPIKeys, now); err != nil {
		return access.Principal{}, err
	}
	if now.Sub(k.LastUsedAt) > minuteGranularity || k.LastUsedIP != ip {
		if err := s.store.TouchAPIKey(ctx, k.ID, ip, now); err != nil {
			s.log.Warn("record api key use", "err", err, "tenant_id", k.TenantID)
		}
	}
	return access.Principal{Kind: access.KindUser, TenantID: k.TenantID, UserID: k.CreatedBy, Role: k.CreatorRole,
		APIKeyID: k.ID, Scopes: k.Scopes, Test: k.Test}, nil
}
