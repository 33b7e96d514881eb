package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/identity"
)

// IdentityStore implements identity.Store.
type IdentityStore struct{ db *DB }

// NewIdentityStore returns the identity store.
func NewIdentityStore(db *DB) *IdentityStore { return &IdentityStore{db: db} }

var _ identity.Store = (*IdentityStore)(nil) // interface guard

const tenantCols = `id, name, slug, plan, status, coalesce(trial_ends_at, 'epoch'), require_2fa, postback_token, postback_ip_allow, branding, created_at`

func scanTenant(row pgx.Row) (identity.Tenant, error) {
	var t identity.Tenant
	var branding []byte
	err := row.Scan(&t.ID, &t.Name, &t.Slug, &t.Plan, &t.Status, &t.TrialEndsAt, &t.Require2FA, &t.PostbackToken,
		&t.PostbackIPAllow, &branding, &t.CreatedAt)
	if err != nil {
		return t, translate(err, "tenant")
	}
	if t.TrialEndsAt.Unix() == 0 {
		t.TrialEndsAt = time.Time{}
	}
	if err := json.Unmarshal(branding, &t.Branding); err != nil {
		return t, fmt.Errorf("decode branding: %w", err)
	}
	return t, nil
}

// CreateTenantWithOwner inserts the tenant and its owner in one transaction.
func (s *IdentityStore) CreateTenantWithOwner(ctx context.Context, t identity.Tenant, u identity.User) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, plan, status, trial_ends_at, postback_token, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, t.ID, t.Name, t.Slug, t.Plan, t.Status, t.TrialEndsAt, t.PostbackToken, t.CreatedAt)
		if err != nil {
			return translate(err, "tenant")
		}
		_, err = tx.Exec(ctx, `INSERT INTO users (id, tenant_id, email, name, role, password_hash, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.TenantID, u.Email, u.Name, u.Role, u.PasswordHash, u.PasswordChangedAt, u.CreatedAt)
		return translate(err, "user")
	})
}

// GetTenant loads a tenant by id.
func (s *IdentityStore) GetTenant(ctx context.Context, id core.TenantID) (identity.Tenant, error) {
	return scanTenant(s.db.Pool.QueryRow(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = $1`, id))
}

// GetTenantBySlug loads a tenant by its portal slug.
func (s *IdentityStore) GetTenantBySlug(ctx context.Context, slug string) (identity.Tenant, error) {
	return scanTenant(s.db.Pool.QueryRow(ctx, `SELECT `+tenantCols+` FROM tenants WHERE slug = $1`, slug))
}

// UpdateTenant applies the non-nil fields of u.
func (s *IdentityStore) UpdateTenant(ctx context.Context, id core.TenantID, u identity.TenantUpdate) (identity.Tenant, error) {
	var branding []byte
	if u.Branding != nil {
		branding, _ = json.Marshal(u.Branding)
	}
	return scanTenant(s.db.Pool.QueryRow(ctx, `UPDATE tenants SET
			name = coalesce($2, name), require_2fa = coalesce($3, require_2fa),
			postback_ip_allow = coalesce($4, postback_ip_allow), branding = coalesce($5::jsonb, branding)
		WHERE id = $1 RETURNING `+tenantCols, id, u.Name, u.Require2FA, u.PostbackIPAllow, branding))
}

// SetPostbackToken replaces the tenant's postback token.
func (s *IdentityStore) SetPostbackToken(ctx context.Context, id core.TenantID, token string) error {
	return execOne(ctx, s.db, "tenant", `UPDATE tenants SET postback_token = $2 WHERE id = $1`, id, token)
}

const accountCols = `id, tenant_id, email, name, status, password_hash, totp_secret, totp_enabled, backup_codes, password_changed_at, created_at`

func scanAccount(dst *identity.Account, extra ...any) []any {
	return append([]any{&dst.ID, &dst.TenantID, &dst.Email, &dst.Name, &dst.Status, &dst.PasswordHash, &dst.TOTPSecret,
		&dst.TOTPEnabled, &dst.BackupCodes, &dst.PasswordChangedAt, &dst.CreatedAt}, extra...)
}

func (s *IdentityStore) getUser(ctx context.Context, where string, args ...any) (identity.User, error) {
	var u identity.User
	err := s.db.Pool.QueryRow(ctx, `SELECT `+accountCols+`, role FROM users WHERE `+where, args...).Scan(scanAccount(&u.Account, &u.Role)...)
	return u, translate(err, "user")
}

// GetUserByEmail finds a team member by email (case-insensitive).
func (s *IdentityStore) GetUserByEmail(ctx context.Context, email string) (identity.User, error) {
	return s.getUser(ctx, `lower(email) = lower($1)`, email)
}

// GetUser loads a team member of the tenant.
func (s *IdentityStore) GetUser(ctx context.Context, tenant core.TenantID, id string) (identity.User, error) {
	return s.getUser(ctx, `tenant_id = $1 AND id = $2`, tenant, id)
}

// ListUsers lists the tenant's team, owner first.
func (s *IdentityStore) ListUsers(ctx context.Context, tenant core.TenantID) ([]identity.User, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+accountCols+`, role FROM users WHERE tenant_id = $1
		ORDER BY role = 'owner' DESC, created_at`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.User, error) {
		var u identity.User
		return u, r.Scan(scanAccount(&u.Account, &u.Role)...)
	})
}

// CountUsers counts the tenant's team members.
func (s *IdentityStore) CountUsers(ctx context.Context, tenant core.TenantID) (int, error) {
	var n int
	err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE tenant_id = $1`, tenant).Scan(&n)
	return n, err
}

// SetUserRole changes a member's role.
func (s *IdentityStore) SetUserRole(ctx context.Context, tenant core.TenantID, id string, role access.Role) error {
	return execOne(ctx, s.db, "user", `UPDATE users SET role = $3 WHERE tenant_id = $1 AND id = $2`, tenant, id, role)
}

// DeleteUser removes a member, their sessions and (by cascade) their API keys.
func (s *IdentityStore) DeleteUser(ctx context.Context, tenant core.TenantID, id string) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE subject_kind = 'user' AND subject_id = $1 AND revoked_at IS NULL`, id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM users WHERE tenant_id = $1 AND id = $2`, tenant, id)
		if err == nil && tag.RowsAffected() == 0 {
			return core.Errorf(core.KindNotFound, "user not found")
		}
		return err
	})
}

const partnerCols = accountCols + `, coalesce(invite_id, '')`

func (s *IdentityStore) getPartner(ctx context.Context, where string, args ...any) (identity.Partner, error) {
	var p identity.Partner
	err := s.db.Pool.QueryRow(ctx, `SELECT `+partnerCols+` FROM partners WHERE `+where, args...).Scan(scanAccount(&p.Account, &p.InviteID)...)
	return p, translate(err, "partner")
}

// GetPartner loads a partner of the tenant.
func (s *IdentityStore) GetPartner(ctx context.Context, tenant core.TenantID, id string) (identity.Partner, error) {
	return s.getPartner(ctx, `tenant_id = $1 AND id = $2`, tenant, id)
}

// GetPartnerByEmail finds a partner of the tenant by email.
func (s *IdentityStore) GetPartnerByEmail(ctx context.Context, tenant core.TenantID, email string) (identity.Partner, error) {
	return s.getPartner(ctx, `tenant_id = $1 AND lower(email) = lower($2)`, tenant, email)
}

// ListPartners lists the tenant's partners, newest first, by cursor.
func (s *IdentityStore) ListPartners(ctx context.Context, tenant core.TenantID, f identity.PartnerFilter) ([]identity.Partner, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+partnerCols+` FROM partners WHERE tenant_id = $1
		AND ($2 = '' OR status = $2) AND ($3 = '' OR name ILIKE '%' || $3 || '%' OR email ILIKE '%' || $3 || '%')
		AND ($4 = '' OR id < $4) ORDER BY id DESC LIMIT $5`, tenant, f.Status, f.Query, f.After, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.Partner, error) {
		var p identity.Partner
		return p, r.Scan(scanAccount(&p.Account, &p.InviteID)...)
	})
}

// UpdatePartner applies the non-nil fields of u; suspending or blocking a
// partner revokes its sessions.
func (s *IdentityStore) UpdatePartner(ctx context.Context, tenant core.TenantID, id string, u identity.PartnerUpdate) (identity.Partner, error) {
	var p identity.Partner
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE partners SET name = coalesce($3, name), status = coalesce($4, status)
			WHERE tenant_id = $1 AND id = $2 RETURNING `+partnerCols, tenant, id, u.Name, u.Status).Scan(scanAccount(&p.Account, &p.InviteID)...)
		if err != nil {
			return translate(err, "partner")
		}
		if p.Status != "active" {
			_, err = tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE subject_kind = 'partner' AND subject_id = $1 AND revoked_at IS NULL`, id)
		}
		return err
	})
	return p, err
}

func accountTable(kind string) string {
	if kind == identity.SubjectPartner {
		return "partners"
	}
	return "users"
}

// SetPassword stores a new hash and revokes every session of the subject.
func (s *IdentityStore) SetPassword(ctx context.Context, kind string, tenant core.TenantID, id, hash string, at time.Time) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE `+accountTable(kind)+` SET password_hash = $3, password_changed_at = $4
			WHERE tenant_id = $1 AND id = $2`, tenant, id, hash, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.Errorf(core.KindNotFound, "account not found")
		}
		_, err = tx.Exec(ctx, `UPDATE sessions SET revoked_at = $3 WHERE subject_kind = $1 AND subject_id = $2 AND revoked_at IS NULL`, kind, id, at)
		return err
	})
}

// SetTOTP stores the sealed TOTP secret, whether it is enabled, and backup code hashes.
func (s *IdentityStore) SetTOTP(ctx context.Context, kind string, tenant core.TenantID, id string, sealed []byte, enabled bool, codes []string) error {
	if codes == nil {
		codes = []string{}
	}
	return execOne(ctx, s.db, "account", `UPDATE `+accountTable(kind)+` SET totp_secret = $3, totp_enabled = $4, backup_codes = $5
		WHERE tenant_id = $1 AND id = $2`, tenant, id, sealed, enabled, codes)
}

// UseBackupCode removes one unused backup code atomically.
func (s *IdentityStore) UseBackupCode(ctx context.Context, kind string, tenant core.TenantID, id, hash string) (bool, error) {
	tag, err := s.db.Pool.Exec(ctx, `UPDATE `+accountTable(kind)+` SET backup_codes = array_remove(backup_codes, $3)
		WHERE tenant_id = $1 AND id = $2 AND $3 = ANY(backup_codes)`, tenant, id, hash)
	return err == nil && tag.RowsAffected() == 1, err
}

// execOne runs a statement that must touch exactly one row.
func execOne(ctx context.Context, db *DB, what, sql string, args ...any) error {
	tag, err := db.Pool.Exec(ctx, sql, args...)
	if err != nil {
		return translate(err, what)
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.KindNotFound, "%s not found", what)
	}
	return nil
}
