package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// InviteInput describes a partner invite link.
type InviteInput struct {
	Email     string
	MaxUses   int       // 0 = single use
	ExpiresAt time.Time // zero = never
}

// CreatedInvite is a new invite with its token and URL, shown once.
type CreatedInvite struct {
	PartnerInvite
	Token string
	URL   string
}

// CreatePartnerInvite makes a personal registration link for partners:
// single-use or capped, optionally bound to one email, optionally expiring.
func (s *Service) CreatePartnerInvite(ctx context.Context, tenant core.TenantID, by access.Principal, in InviteInput) (CreatedInvite, error) {
	var v core.Validator
	email := ""
	if strings.TrimSpace(in.Email) != "" {
		var err error
		if email, err = normEmail("email", in.Email); err != nil {
			v.Add("email", "must be a valid email address")
		}
	}
	if in.MaxUses == 0 {
		in.MaxUses = 1
	}
	v.Check(in.MaxUses >= 1 && in.MaxUses <= 100000, "max_uses", "must be between 1 and 100000")
	now := s.clock.Now()
	v.Check(in.ExpiresAt.IsZero() || in.ExpiresAt.After(now), "expires_at", "must be in the future")
	if err := v.Err(); err != nil {
		return CreatedInvite{}, err
	}
	t, err := s.store.GetTenant(ctx, tenant)
	if err != nil {
		return CreatedInvite{}, fmt.Errorf("create invite: %w", err)
	}
	token, hash := newToken()
	inv := PartnerInvite{ID: core.NewID("pinv"), TenantID: tenant, TokenHash: hash, Email: email, MaxUses: in.MaxUses,
		ExpiresAt: in.ExpiresAt, CreatedBy: by.ActorID(), CreatedAt: now}
	if err := s.store.CreatePartnerInvite(ctx, inv); err != nil {
		return CreatedInvite{}, fmt.Errorf("create invite: %w", err)
	}
	return CreatedInvite{PartnerInvite: inv, Token: token, URL: s.PartnerJoinURL(t.Slug, token)}, nil
}

// PartnerJoinURL is the partner-portal registration page for an invite.
func (s *Service) PartnerJoinURL(slug, token string) string {
	return s.cfg.BaseURL + "/p/" + slug + "/join/" + token
}

// PartnerInvites lists the tenant's invites (tokens are never shown again).
func (s *Service) PartnerInvites(ctx context.Context, tenant core.TenantID) ([]PartnerInvite, error) {
	return s.store.ListPartnerInvites(ctx, tenant)
}

// RevokePartnerInvite stops an invite from being used.
func (s *Service) RevokePartnerInvite(ctx context.Context, tenant core.TenantID, id string) error {
	return s.store.RevokePartnerInvite(ctx, tenant, id, s.clock.Now())
}

// InviteInfo is what the registration page shows before sign-up.
type InviteInfo struct {
	TenantID core.TenantID
	Brand    Branding
	Name     string // the tenant's display name
	Slug     string
	Email    string // set when the invite is bound to an email
}

// LookupPartnerInvite validates an invite token for the registration page.
func (s *Service) LookupPartnerInvite(ctx context.Context, token string) (InviteInfo, error) {
	inv, err := s.store.GetPartnerInviteByHash(ctx, hashToken(token))
	if err != nil {
		return InviteInfo{}, core.Errorf(core.KindNotFound, "invitation not found")
	}
	if err := inviteUsable(inv, s.clock.Now()); err != nil {
		return InviteInfo{}, err
	}
	t, err := s.store.GetTenant(ctx, inv.TenantID)
	if err != nil {
		return InviteInfo{}, fmt.Errorf("lookup invite: %w", err)
	}
	return InviteInfo{TenantID: t.ID, Brand: t.Branding, Name: t.DisplayName(), Slug: t.Slug, Email: inv.Email}, nil
}

// inviteUsable reports why an invite cannot be used, if it cannot.
func inviteUsable(inv PartnerInvite, now time.Time) error {
	switch {
	case !inv.RevokedAt.IsZero():
		return core.Errorf(core.KindGone, "this invitation has been revoked")
	case !inv.ExpiresAt.IsZero() && now.After(inv.ExpiresAt):
		return core.Errorf(core.KindGone, "this invitation has expired")
	case inv.Uses >= inv.MaxUses:
		return core.Errorf(core.KindGone, "this invitation has already been used")
	}
	return nil
}

// PartnerSignupInput registers a partner through an invite.
type PartnerSignupInput struct {
	InviteToken, Email, Password, Name string
}

// PartnerSignup registers a partner of the invite's tenant — the only way a
// partner can register — and logs them in.
func (s *Service) PartnerSignup(ctx context.Context, in PartnerSignupInput, meta LoginMeta) (string, string, error) {
	var v core.Validator
	email, err := normEmail("email", in.Email)
	if err != nil {
		v.Add("email", "must be a valid email address")
	}
	name := strings.TrimSpace(in.Name)
	v.Check(name != "" && len(name) <= 200, "name", "must be 1 to 200 characters")
	v.Check(in.InviteToken != "", "invite_token", "is required")
	if err := s.checkPassword("password", in.Password, email); err != nil {
		v.Add("password", core.FieldsOf(err)[0].Message)
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	inv, err := s.store.GetPartnerInviteByHash(ctx, hashToken(in.InviteToken))
	if err != nil {
		return "", "", &core.Error{Kind: core.KindNotFound, Message: "invitation not found",
			Fields: []core.FieldError{{Field: "invite_token", Message: "is not a valid invitation"}}}
	}
	now := s.clock.Now()
	p := Partner{Account: Account{ID: core.NewID("prt"), TenantID: inv.TenantID, Email: email, Name: name, Status: "active",
		PasswordHash: hashPassword(in.Password, s.cfg.Argon), PasswordChangedAt: now, CreatedAt: now}, InviteID: inv.ID}
	check := func(cur PartnerInvite) error {
		if err := inviteUsable(cur, now); err != nil {
			return err
		}
		if cur.Email != "" && cur.Email != email {
			return core.Invalid("email", "this invitation is for another email address")
		}
		return nil
	}
	if err := s.store.RedeemPartnerInvite(ctx, inv.TokenHash, check, p); err != nil {
		if core.KindOf(err) == core.KindConflict {
			return "", "", &core.Error{Kind: core.KindConflict, Message: "a partner with this email already exists",
				Fields: []core.FieldError{{Field: "email", Message: "is already registered with this program"}}}
		}
		return "", "", fmt.Errorf("partner signup: %w", err)
	}
	token, err := s.startSession(ctx, inv.TenantID, SubjectPartner, p.ID, meta)
	if err != nil {
		return "", "", err
	}
	s.audit.Record(ctx, inv.TenantID, AuditEvent{ActorKind: "partner", ActorID: p.ID, Action: "partner.signup",
		TargetType: "partner", TargetID: p.ID, IP: meta.IP, Summary: map[string]any{"email": email, "invite_id": inv.ID}})
	return p.ID, token, nil
}

// Partners lists the tenant's partners.
func (s *Service) Partners(ctx context.Context, tenant core.TenantID, f PartnerFilter) ([]Partner, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.ListPartners(ctx, tenant, f)
}

// Partner returns one partner of the tenant.
func (s *Service) Partner(ctx context.Context, tenant core.TenantID, id string) (Partner, error) {
	return s.store.GetPartner(ctx, tenant, id)
}

// UpdatePartner renames a partner or changes its status (active, suspended,
// blocked); a suspended or blocked partner's sessions stop working at once.
func (s *Service) UpdatePartner(ctx context.Context, tenant core.TenantID, id string, u PartnerUpdate) (Partner, error) {
	var v core.Validator
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
		v.Check(n != "" && len(n) <= 200, "name", "must be 1 to 200 characters")
	}
	if u.Status != nil {
		st := *u.Status
		v.Check(st == "active" || st == "suspended" || st == "blocked", "status", "must be active, suspended or blocked")
	}
	if err := v.Err(); err != nil {
		return Partner{}, err
	}
	return s.store.UpdatePartner(ctx, tenant, id, u)
}
