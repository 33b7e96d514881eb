// Package identity is tenancy and access: advertiser sign-up with a trial of
// a plan, team members and their roles, invite-only partners, sessions backed
// by short-lived JWTs, API keys, TOTP two-factor authentication, password
// resets and account lockout. It authenticates every API request into an
// access.Principal.
package identity

import (
	"context"
	"log/slog"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// Tenant is an advertiser account.
type Tenant struct {
	ID              core.TenantID
	Name            string
	Slug            string
	Plan            Plan
	Status          string // trial, active, suspended
	TrialEndsAt     time.Time
	Require2FA      bool
	PostbackToken   string
	PostbackIPAllow []string
	Branding        Branding
	CreatedAt       time.Time
}

// Branding is how the partner portal and partner emails present the tenant.
type Branding struct {
	Name         string `json:"name,omitempty"`
	LogoURL      string `json:"logo_url,omitempty"`
	PrimaryColor string `json:"primary_color,omitempty"`
	AccentColor  string `json:"accent_color,omitempty"`
}

// DisplayName is the name partners see: the brand name, else the company.
func (t Tenant) DisplayName() string {
	if t.Branding.Name != "" {
		return t.Branding.Name
	}
	return t.Name
}

// Account is what users and partners share: credentials and 2FA state.
type Account struct {
	ID                string
	TenantID          core.TenantID
	Email             string
	Name              string
	Status            string
	PasswordHash      string
	TOTPSecret        []byte // sealed
	TOTPEnabled       bool
	BackupCodes       []string // hashes
	PasswordChangedAt time.Time
	CreatedAt         time.Time
}

// User is an advertiser team member.
type User struct {
	Account
	Role access.Role
}

// Partner is an affiliate of one tenant.
type Partner struct {
	Account
	InviteID string
}

// Subject kinds stored with sessions and resets.
const (
	SubjectUser    = "user"
	SubjectPartner = "partner"
)

// Mailer sends email. With no SMTP server configured the dev outbox stores
// messages and logs them.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Mail is one email message. FromName is the sender's display name: for
// partner emails it is the tenant's brand, never the platform's.
type Mail struct {
	TenantID core.TenantID
	To       string
	FromName string
	Subject  string
	Body     string
}

// Auditor records security-relevant events that happen outside ordinary
// authenticated API calls (sign-up, login, resets).
type Auditor interface {
	Record(ctx context.Context, tenant core.TenantID, e AuditEvent)
}

// AuditEvent is one such event.
type AuditEvent struct {
	ActorKind, ActorID, Action, TargetType, TargetID, IP string
	Summary                                              map[string]any
}

// Config holds the tunables of the service.
type Config struct {
	BaseURL       string
	JWTKey        []byte        // HMAC key for session JWTs
	TokenTTL      time.Duration // JWT lifetime (default 15 min)
	SessionTTL    time.Duration // absolute session lifetime (default 30 days)
	SessionIdle   time.Duration // idle timeout for refreshes (default 7 days)
	TrialDays     int           // default 30
	Argon         ArgonParams   // password hashing cost
	LockThreshold int           // failures before lockout (default 5)
	LockWindow    time.Duration // window counting failures (default 15 min)
	LockFor       time.Duration // lockout duration (default 15 min)
}

func (c *Config) defaults() {
	if c.TokenTTL == 0 {
		c.TokenTTL = 15 * time.Minute
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 30 * 24 * time.Hour
	}
	if c.SessionIdle == 0 {
		c.SessionIdle = 7 * 24 * time.Hour
	}
	if c.TrialDays == 0 {
		c.TrialDays = 30
	}
	if c.Argon.Memory == 0 {
		c.Argon = DefaultArgon
	}
	if c.LockThreshold == 0 {
		c.LockThreshold = 5
	}
	if c.LockWindow == 0 {
		c.LockWindow = 15 * time.Minute
	}
	if c.LockFor == 0 {
		c.LockFor = 15 * time.Minute
	}
}

// Sealer encrypts TOTP secrets at rest (core/secret.Box satisfies it).
type Sealer interface {
	Seal(plaintext, aad []byte) []byte
	Open(sealed, aad []byte) ([]byte, error)
}

// Service implements identity and access.
type Service struct {
	store  Store
	mail   Mailer
	audit  Auditor
	sealer Sealer
	clock  core.Clock
	cfg    Config
	log    *slog.Logger
	common map[string]struct{}
	// dummyHash is verified when an account does not exist, so a login for an
	// unknown email costs as much as one for a known email.
	dummyHash string
}

// NewService returns a Service.
func NewService(store Store, mail Mailer, audit Auditor, sealer Sealer, clock core.Clock, cfg Config, log *slog.Logger) *Service {
	cfg.defaults()
	return &Service{store: store, mail: mail, audit: audit, sealer: sealer, clock: clock, cfg: cfg, log: log,
		common: commonPasswords(), dummyHash: hashPassword("not-a-real-password", cfg.Argon)}
}
