package identity

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// Store persists identity data. core/postgres implements it; every method
// that spans rows runs in one transaction.
type Store interface {
	// CreateTenantWithOwner inserts a tenant and its owner atomically.
	CreateTenantWithOwner(ctx context.Context, t Tenant, owner User) error
	GetTenant(ctx context.Context, id core.TenantID) (Tenant, error)
	GetTenantBySlug(ctx context.Context, slug string) (Tenant, error)
	UpdateTenant(ctx context.Context, id core.TenantID, u TenantUpdate) (Tenant, error)
	SetPostbackToken(ctx context.Context, id core.TenantID, token string) error

	GetUserByEmail(ctx context.Context, email string) (User, error)
	GetUser(ctx context.Context, tenant core.TenantID, id string) (User, error)
	ListUsers(ctx context.Context, tenant core.TenantID) ([]User, error)
	CountUsers(ctx context.Context, tenant core.TenantID) (int, error)
	SetUserRole(ctx context.Context, tenant core.TenantID, id string, role access.Role) error
	DeleteUser(ctx context.Context, tenant core.TenantID, id string) error

	GetPartner(ctx context.Context, tenant core.TenantID, id string) (Partner, error)
	GetPartnerByEmail(ctx context.Context, tenant core.TenantID, email string) (Partner, error)
	ListPartners(ctx context.Context, tenant core.TenantID, f PartnerFilter) ([]Partner, error)
	UpdatePartner(ctx context.Context, tenant core.TenantID, id string, u PartnerUpdate) (Partner, error)

	// SetPassword stores a new hash and revokes every session of the subject.
	SetPassword(ctx context.Context, kind string, tenant core.TenantID, id, hash string, at time.Time) error
	SetTOTP(ctx context.Context, kind string, tenant core.TenantID, id string, sealed []byte, enabled bool, backupCodes []string) error
	// UseBackupCode removes hash from the subject's unused codes; false when it was not there.
	UseBackupCode(ctx context.Context, kind string, tenant core.TenantID, id, hash string) (bool, error)

	CreatePartnerInvite(ctx context.Context, inv PartnerInvite) error
	GetPartnerInviteByHash(ctx context.Context, tokenHash []byte) (PartnerInvite, error)
	ListPartnerInvites(ctx context.Context, tenant core.TenantID) ([]PartnerInvite, error)
	RevokePartnerInvite(ctx context.Context, tenant core.TenantID, id string, at time.Time) error
	// RedeemPartnerInvite locks the invite, re-checks it with check, counts a
	// use and inserts the partner, all in one transaction.
	RedeemPartnerInvite(ctx context.Context, tokenHash []byte, check func(PartnerInvite) error, p Partner) error

	CreateTeamInvite(ctx context.Context, inv TeamInvite) error
	GetTeamInviteByHash(ctx context.Context, tokenHash []byte) (TeamInvite, error)
	ListTeamInvites(ctx context.Context, tenant core.TenantID) ([]TeamInvite, error)
	RevokeTeamInvite(ctx context.Context, tenant core.TenantID, id string, at time.Time) error
	// AcceptTeamInvite locks the invite, re-checks it, marks it accepted and inserts the user.
	AcceptTeamInvite(ctx context.Context, tokenHash []byte, check func(TeamInvite) error, u User) error

	CreateSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	RevokeSession(ctx context.Context, tenant core.TenantID, id string, at time.Time) error

	CreateAPIKey(ctx context.Context, k APIKey) error
	// GetAPIKeyByHash returns the key with its creator's role and status.
	GetAPIKeyByHash(ctx context.Context, hash []byte) (APIKey, error)
	ListAPIKeys(ctx context.Context, tenant core.TenantID) ([]APIKey, error)
	RevokeAPIKey(ctx context.Context, tenant core.TenantID, id string, at time.Time) error
	TouchAPIKey(ctx context.Context, id, ip string, at time.Time) error

	CreatePasswordReset(ctx context.Context, r PasswordReset) error
	// UsePasswordReset locks an unused, unexpired reset, runs check on it, and
	// marks it used only when check passes.
	UsePasswordReset(ctx context.Context, tokenHash []byte, at time.Time, check func(PasswordReset) error) (PasswordReset, error)

	// RecordFailure counts a failed attempt for key and returns the lockout
	// end when the threshold is reached within the window.
	RecordFailure(ctx context.Context, key string, at time.Time, window time.Duration, threshold int, lockFor time.Duration) (time.Time, error)
	LockedUntil(ctx context.Context, key string) (time.Time, error)
	ClearFailures(ctx context.Context, key string) error
}

// TenantUpdate changes tenant settings; nil fields stay as they are.
type TenantUpdate struct {
	Name            *string
	Require2FA      *bool
	PostbackIPAllow *[]string
	Branding        *Branding
}

// PartnerFilter narrows a partner listing.
type PartnerFilter struct {
	Status string
	Query  string // matches name or email
	Limit  int
	After  string // cursor: the last id of the previous page
}

// PartnerUpdate changes a partner; nil fields stay as they are.
type PartnerUpdate struct {
	Name   *string
	Status *string
}

// PartnerInvite is a personal registration link for partners.
type PartnerInvite struct {
	ID        string
	TenantID  core.TenantID
	TokenHash []byte
	Email     string
	MaxUses   int
	Uses      int
	ExpiresAt time.Time // zero = never
	RevokedAt time.Time
	CreatedBy string
	CreatedAt time.Time
}

// TeamInvite invites a team member with a role.
type TeamInvite struct {
	ID         string
	TenantID   core.TenantID
	Email      string
	Role       access.Role
	TokenHash  []byte
	ExpiresAt  time.Time
	AcceptedAt time.Time
	RevokedAt  time.Time
	CreatedBy  string
	CreatedAt  time.Time
}

// Session backs the JWTs of one login.
type Session struct {
	ID          string
	TenantID    core.TenantID
	SubjectKind string
	SubjectID   string
	IP          string
	UserAgent   string
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time
	RevokedAt   time.Time
}

// APIKey is a long-lived credential for integrations.
type APIKey struct {
	ID         string
	TenantID   core.TenantID
	CreatedBy  string
	Name       string
	Prefix     string
	Hash       []byte
	Scopes     []access.Scope
	Test       bool
	ExpiresAt  time.Time
	LastUsedAt time.Time
	LastUsedIP string
	RevokedAt  time.Time
	CreatedAt  time.Time
	// CreatorRole and CreatorActive come with GetAPIKeyByHash.
	CreatorRole   access.Role
	CreatorActive bool
}

// PasswordReset is an emailed one-hour reset link.
type PasswordReset struct {
	TokenHash   []byte
	TenantID    core.TenantID
	SubjectKind string
	SubjectID   string
	ExpiresAt   time.Time
}
