package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/identity"
)

// Invitations, sessions, API keys, resets and lockouts of the identity store.

const partnerInviteCols = `id, tenant_id, token_hash, coalesce(email, ''), max_uses, uses, coalesce(expires_at, 'epoch'),
	coalesce(revoked_at, 'epoch'), created_by, created_at`

func scanPartnerInvite(r pgx.Row) (identity.PartnerInvite, error) {
	var i identity.PartnerInvite
	err := r.Scan(&i.ID, &i.TenantID, &i.TokenHash, &i.Email, &i.MaxUses, &i.Uses, &i.ExpiresAt, &i.RevokedAt, &i.CreatedBy, &i.CreatedAt)
	i.ExpiresAt, i.RevokedAt = zeroEpoch(i.ExpiresAt), zeroEpoch(i.RevokedAt)
	return i, translate(err, "invitation")
}

// zeroEpoch maps the 'epoch' stand-in for NULL back to the zero time.
func zeroEpoch(t time.Time) time.Time {
	if t.Unix() == 0 {
		return time.Time{}
	}
	return t
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreatePartnerInvite stores an invite.
func (s *IdentityStore) CreatePartnerInvite(ctx context.Context, i identity.PartnerInvite) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO partner_invites (id, tenant_id, token_hash, email, max_uses, expires_at, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, i.ID, i.TenantID, i.TokenHash, nullString(i.Email), i.MaxUses, nullTime(i.ExpiresAt), i.CreatedBy, i.CreatedAt)
	return translate(err, "invitation")
}

// GetPartnerInviteByHash finds an invite by its token hash.
func (s *IdentityStore) GetPartnerInviteByHash(ctx context.Context, hash []byte) (identity.PartnerInvite, error) {
	return scanPartnerInvite(s.db.Pool.QueryRow(ctx, `SELECT `+partnerInviteCols+` FROM partner_invites WHERE token_hash = $1`, hash))
}

// ListPartnerInvites lists the tenant's invites, newest first.
func (s *IdentityStore) ListPartnerInvites(ctx context.Context, tenant core.TenantID) ([]identity.PartnerInvite, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+partnerInviteCols+` FROM partner_invites WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 500`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.PartnerInvite, error) { return scanPartnerInvite(r) })
}

// RevokePartnerInvite revokes an invite of the tenant.
func (s *IdentityStore) RevokePartnerInvite(ctx context.Context, tenant core.TenantID, id string, at time.Time) error {
	return execOne(ctx, s.db, "invitation", `UPDATE partner_invites SET revoked_at = coalesce(revoked_at, $3) WHERE tenant_id = $1 AND id = $2`, tenant, id, at)
}

// RedeemPartnerInvite locks the invite row, re-checks it, counts the use and
// inserts the partner in one transaction, so a capped invite is never overused.
func (s *IdentityStore) RedeemPartnerInvite(ctx context.Context, hash []byte, check func(identity.PartnerInvite) error, p identity.Partner) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		inv, err := scanPartnerInvite(tx.QueryRow(ctx, `SELECT `+partnerInviteCols+` FROM partner_invites WHERE token_hash = $1 FOR UPDATE`, hash))
		if err != nil {
			return err
		}
		if err := check(inv); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE partner_invites SET uses = uses + 1 WHERE id = $1`, inv.ID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO partners (id, tenant_id, email, name, password_hash, invite_id, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, inv.TenantID, p.Email, p.Name, p.PasswordHash, inv.ID, p.PasswordChangedAt, p.CreatedAt)
		return translate(err, "partner")
	})
}

const teamInviteCols = `id, tenant_id, email, role, token_hash, expires_at, coalesce(accepted_at, 'epoch'), coalesce(revoked_at, 'epoch'), created_by, created_at`

func scanTeamInvite(r pgx.Row) (identity.TeamInvite, error) {
	var i identity.TeamInvite
	err := r.Scan(&i.ID, &i.TenantID, &i.Email, &i.Role, &i.TokenHash, &i.ExpiresAt, &i.AcceptedAt, &i.RevokedAt, &i.CreatedBy, &i.CreatedAt)
	i.AcceptedAt, i.RevokedAt = zeroEpoch(i.AcceptedAt), zeroEpoch(i.RevokedAt)
	return i, translate(err, "invitation")
}

// CreateTeamInvite stores a team invitation.
func (s *IdentityStore) CreateTeamInvite(ctx context.Context, i identity.TeamInvite) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO team_invites (id, tenant_id, email, role, token_hash, expires_at, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, i.ID, i.TenantID, i.Email, i.Role, i.TokenHash, i.ExpiresAt, i.CreatedBy, i.CreatedAt)
	return translate(err, "invitation")
}

// GetTeamInviteByHash finds a team invitation by token hash.
func (s *IdentityStore) GetTeamInviteByHash(ctx context.Context, hash []byte) (identity.TeamInvite, error) {
	return scanTeamInvite(s.db.Pool.QueryRow(ctx, `SELECT `+teamInviteCols+` FROM team_invites WHERE token_hash = $1`, hash))
}

// ListTeamInvites lists pending team invitations.
func (s *IdentityStore) ListTeamInvites(ctx context.Context, tenant core.TenantID) ([]identity.TeamInvite, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+teamInviteCols+` FROM team_invites WHERE tenant_id = $1
		AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.TeamInvite, error) { return scanTeamInvite(r) })
}

// RevokeTeamInvite revokes a pending invitation.
func (s *IdentityStore) RevokeTeamInvite(ctx context.Context, tenant core.TenantID, id string, at time.Time) error {
	return execOne(ctx, s.db, "invitation", `UPDATE team_invites SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL`, tenant, id, at)
}

// AcceptTeamInvite locks the invitation, re-checks it, marks it accepted and
// inserts the member in one transaction.
func (s *IdentityStore) AcceptTeamInvite(ctx context.Context, hash []byte, check func(identity.TeamInvite) error, u identity.User) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		inv, err := scanTeamInvite(tx.QueryRow(ctx, `SELECT `+teamInviteCols+` FROM team_invites WHERE token_hash = $1 FOR UPDATE`, hash))
		if err != nil {
			return err
		}
		if err := check(inv); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE team_invites SET accepted_at = $2 WHERE id = $1`, inv.ID, u.CreatedAt); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO users (id, tenant_id, email, name, role, password_hash, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, inv.TenantID, u.Email, u.Name, inv.Role, u.PasswordHash, u.PasswordChangedAt, u.CreatedAt)
		return translate(err, "user")
	})
}

// CreateSession stores a session.
func (s *IdentityStore) CreateSession(ctx context.Context, ss identity.Session) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO sessions (id, tenant_id, subject_kind, subject_id, ip, user_agent, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, ss.ID, ss.TenantID, ss.SubjectKind, ss.SubjectID, ss.IP, ss.UserAgent, ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt)
	return translate(err, "session")
}

// GetSession loads a session.
func (s *IdentityStore) GetSession(ctx context.Context, id string) (identity.Session, error) {
	var ss identity.Session
	err := s.db.Pool.QueryRow(ctx, `SELECT id, tenant_id, subject_kind, subject_id, ip, user_agent, created_at, last_seen_at, expires_at,
		coalesce(revoked_at, 'epoch') FROM sessions WHERE id = $1`, id).Scan(&ss.ID, &ss.TenantID, &ss.SubjectKind, &ss.SubjectID,
		&ss.IP, &ss.UserAgent, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt, &ss.RevokedAt)
	ss.RevokedAt = zeroEpoch(ss.RevokedAt)
	return ss, translate(err, "session")
}

// TouchSession records activity on a session.
func (s *IdentityStore) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.Pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, id, at)
	return err
}

// RevokeSession ends a session of the tenant.
func (s *IdentityStore) RevokeSession(ctx context.Context, tenant core.TenantID, id string, at time.Time) error {
	return execOne(ctx, s.db, "session", `UPDATE sessions SET revoked_at = coalesce(revoked_at, $3) WHERE tenant_id = $1 AND id = $2`, tenant, id, at)
}

const apiKeyCols = `k.id, k.tenant_id, k.created_by, k.name, k.prefix, k.key_hash, k.scopes, k.test, coalesce(k.expires_at, 'epoch'),
	coalesce(k.last_used_at, 'epoch'), coalesce(k.last_used_ip, ''), coalesce(k.revoked_at, 'epoch'), k.created_at, u.role, u.status = 'active'`

func scanAPIKey(r pgx.Row) (identity.APIKey, error) {
	var k identity.APIKey
	err := r.Scan(&k.ID, &k.TenantID, &k.CreatedBy, &k.Name, &k.Prefix, &k.Hash, &k.Scopes, &k.Test, &k.ExpiresAt,
		&k.LastUsedAt, &k.LastUsedIP, &k.RevokedAt, &k.CreatedAt, &k.CreatorRole, &k.CreatorActive)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = zeroEpoch(k.ExpiresAt), zeroEpoch(k.LastUsedAt), zeroEpoch(k.RevokedAt)
	return k, translate(err, "API key")
}

// CreateAPIKey stores a key (its hash only).
func (s *IdentityStore) CreateAPIKey(ctx context.Context, k identity.APIKey) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO api_keys (id, tenant_id, created_by, name, prefix, key_hash, scopes, test, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, k.ID, k.TenantID, k.CreatedBy, k.Name, k.Prefix, k.Hash, k.Scopes, k.Test, nullTime(k.ExpiresAt), k.CreatedAt)
	return translate(err, "API key")
}

// GetAPIKeyByHash finds a key by hash with its creator's role.
func (s *IdentityStore) GetAPIKeyByHash(ctx context.Context, hash []byte) (identity.APIKey, error) {
	return scanAPIKey(s.db.Pool.QueryRow(ctx, `SELECT `+apiKeyCols+` FROM api_keys k JOIN users u ON u.id = k.created_by WHERE k.key_hash = $1`, hash))
}

// ListAPIKeys lists the tenant's keys, newest first.
func (s *IdentityStore) ListAPIKeys(ctx context.Context, tenant core.TenantID) ([]identity.APIKey, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+apiKeyCols+` FROM api_keys k JOIN users u ON u.id = k.created_by
		WHERE k.tenant_id = $1 ORDER BY k.created_at DESC`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.APIKey, error) { return scanAPIKey(r) })
}

// RevokeAPIKey revokes a key of the tenant.
func (s *IdentityStore) RevokeAPIKey(ctx context.Context, tenant core.TenantID, id string, at time.Time) error {
	return execOne(ctx, s.db, "API key", `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE tenant_id = $1 AND id = $2`, tenant, id, at)
}

// TouchAPIKey records the last use of a key.
func (s *IdentityStore) TouchAPIKey(ctx context.Context, id, ip string, at time.Time) error {
	_, err := s.db.Pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $2, last_used_ip = $3 WHERE id = $1`, id, at, ip)
	return err
}

// CreatePasswordReset stores a reset token hash.
func (s *IdentityStore) CreatePasswordReset(ctx context.Context, r identity.PasswordReset) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO password_resets (token_hash, tenant_id, subject_kind, subject_id, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, r.TokenHash, r.TenantID, r.SubjectKind, r.SubjectID, r.ExpiresAt)
	return translate(err, "password reset")
}

// UsePasswordReset locks an unused, unexpired reset, checks it and marks it used.
func (s *IdentityStore) UsePasswordReset(ctx context.Context, hash []byte, at time.Time, check func(identity.PasswordReset) error) (identity.PasswordReset, error) {
	var r identity.PasswordReset
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT token_hash, tenant_id, subject_kind, subject_id, expires_at FROM password_resets
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 FOR UPDATE`, hash, at).
			Scan(&r.TokenHash, &r.TenantID, &r.SubjectKind, &r.SubjectID, &r.ExpiresAt)
		if err != nil {
			return translate(err, "password reset")
		}
		if err := check(r); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE token_hash = $1`, hash, at)
		return err
	})
	return r, err
}

// RecordFailure counts a failure in the current window and locks the key
// when the threshold is reached; it returns the lock's end or zero.
func (s *IdentityStore) RecordFailure(ctx context.Context, key string, at time.Time, window time.Duration, threshold int, lockFor time.Duration) (time.Time, error) {
	var locked *time.Time
	err := s.db.Pool.QueryRow(ctx, `INSERT INTO auth_failures AS f (key, failures, window_start) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN f.window_start < $2 - $3::interval THEN 1 ELSE f.failures + 1 END,
			window_start = CASE WHEN f.window_start < $2 - $3::interval THEN $2 ELSE f.window_start END,
			locked_until = CASE WHEN f.window_start >= $2 - $3::interval AND f.failures + 1 >= $4 THEN $2 + $5::interval ELSE f.locked_until END
		RETURNING locked_until`, key, at, window, threshold, lockFor).Scan(&locked)
	if err != nil || locked == nil || !locked.After(at) {
		return time.Time{}, err
	}
	return *locked, nil
}

// LockedUntil returns when key's lockout ends (zero when not locked).
func (s *IdentityStore) LockedUntil(ctx context.Context, key string) (time.Time, error) {
	var locked *time.Time
	err := s.db.Pool.QueryRow(ctx, `SELECT locked_until FROM auth_failures WHERE key = $1`, key).Scan(&locked)
	if err == pgx.ErrNoRows || locked == nil {
		return time.Time{}, nil
	}
	return *locked, err
}

// ClearFailures forgets failures after a success.
func (s *IdentityStore) ClearFailures(ctx context.Context, key string) error {
	_, err := s.db.Pool.Exec(ctx, `DELETE FROM auth_failures WHERE key = $1`, key)
	return err
}
