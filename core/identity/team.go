package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// teamInviteTTL is how long a team invitation stays valid.
const teamInviteTTL = 7 * 24 * time.Hour

// Members lists the tenant's team.
func (s *Service) Members(ctx context.Context, tenant core.TenantID) ([]User, []TeamInvite, error) {
	users, err := s.store.ListUsers(ctx, tenant)
	if err != nil {
		return nil, nil, fmt.Errorf("list members: %w", err)
	}
	invites, err := s.store.ListTeamInvites(ctx, tenant)
	if err != nil {
		return nil, nil, fmt.Errorf("list team invites: %w", err)
	}
	return users, invites, nil
}

// InviteMember emails an invitation to join the team with a role. Only an
// owner may invite admins; nobody can invite a second owner.
func (s *Service) InviteMember(ctx context.Context, tenant core.TenantID, by access.Principal, email string, role access.Role) (TeamInvite, error) {
	var v core.Validator
	email, err := normEmail("email", email)
	if err != nil {
		v.Add("email", "must be a valid email address")
	}
	v.Check(role.Valid() && role != access.RoleOwner, "role", "must be admin, manager, analyst or finance")
	if err := v.Err(); err != nil {
		return TeamInvite{}, err
	}
	if role == access.RoleAdmin && by.Role != access.RoleOwner {
		return TeamInvite{}, core.Errorf(core.KindForbidden, "only the owner can invite admins")
	}
	t, err := s.store.GetTenant(ctx, tenant)
	if err != nil {
		return TeamInvite{}, fmt.Errorf("invite member: %w", err)
	}
	if err := s.checkTeamSize(ctx, t); err != nil {
		return TeamInvite{}, err
	}
	if _, err := s.store.GetUserByEmail(ctx, email); err == nil {
		return TeamInvite{}, &core.Error{Kind: core.KindConflict, Message: "this email already has an advertiser account",
			Fields: []core.FieldError{{Field: "email", Message: "is already registered"}}}
	}
	token, hash := newToken()
	now := s.clock.Now()
	inv := TeamInvite{ID: core.NewID("tinv"), TenantID: tenant, Email: email, Role: role, TokenHash: hash,
		ExpiresAt: now.Add(teamInviteTTL), CreatedBy: by.ActorID(), CreatedAt: now}
	if err := s.store.CreateTeamInvite(ctx, inv); err != nil {
		return TeamInvite{}, fmt.Errorf("invite member: %w", err)
	}
	link := s.cfg.BaseURL + "/team/join?token=" + token
	err = s.mail.Send(ctx, Mail{TenantID: tenant, To: email, FromName: t.Name,
		Subject: "You are invited to join " + t.Name,
		Body:    fmt.Sprintf("You have been invited to join %s as %s.\n\nAccept the invitation (valid 7 days):\n%s\n", t.Name, role, link)})
	if err != nil {
		return TeamInvite{}, fmt.Errorf("send team invitation: %w", err)
	}
	return inv, nil
}

// checkTeamSize enforces the plan's member limit.
func (s *Service) checkTeamSize(ctx context.Context, t Tenant) error {
	limit := planMembers[t.Plan]
	if limit == 0 {
		return nil
	}
	n, err := s.store.CountUsers(ctx, t.ID)
	if err != nil {
		return fmt.Errorf("count members: %w", err)
	}
	if n >= limit {
		return core.Errorf(core.KindPayment, "the %s plan allows %d team members; upgrade to add more", t.Plan, limit)
	}
	return nil
}

// AcceptInput accepts a team invitation.
type AcceptInput struct {
	Token, Name, Password string
}

// AcceptTeamInvite creates the invited member and logs them in.
func (s *Service) AcceptTeamInvite(ctx context.Context, in AcceptInput, meta LoginMeta) (LoginResult, error) {
	inv, err := s.store.GetTeamInviteByHash(ctx, hashToken(in.Token))
	if err != nil {
		return LoginResult{}, core.Errorf(core.KindNotFound, "invitation not found")
	}
	if err := s.checkPassword("password", in.Password, inv.Email); err != nil {
		return LoginResult{}, err
	}
	now := s.clock.Now()
	u := User{Account: Account{ID: core.NewID("usr"), TenantID: inv.TenantID, Email: inv.Email, Name: strings.TrimSpace(in.Name),
		Status: "active", PasswordHash: hashPassword(in.Password, s.cfg.Argon), PasswordChangedAt: now, CreatedAt: now}, Role: inv.Role}
	check := func(cur TeamInvite) error {
		switch {
		case !cur.RevokedAt.IsZero(), !cur.AcceptedAt.IsZero():
			return core.Errorf(core.KindGone, "this invitation has already been used or revoked")
		case now.After(cur.ExpiresAt):
			return core.Errorf(core.KindGone, "this invitation has expired")
		}
		return nil
	}
	if err := s.store.AcceptTeamInvite(ctx, inv.TokenHash, check, u); err != nil {
		if core.KindOf(err) == core.KindConflict {
			return LoginResult{}, &core.Error{Kind: core.KindConflict, Message: "this email already has an advertiser account",
				Fields: []core.FieldError{{Field: "email", Message: "is already registered"}}}
		}
		return LoginResult{}, fmt.Errorf("accept invitation: %w", err)
	}
	token, err := s.startSession(ctx, inv.TenantID, SubjectUser, u.ID, meta)
	if err != nil {
		return LoginResult{}, err
	}
	s.audit.Record(ctx, inv.TenantID, AuditEvent{ActorKind: "user", ActorID: u.ID, Action: "team.join",
		TargetType: "user", TargetID: u.ID, IP: meta.IP, Summary: map[string]any{"email": u.Email, "role": u.Role}})
	return LoginResult{Token: token, Kind: access.KindUser, TenantID: inv.TenantID}, nil
}

// RevokeTeamInvite withdraws a pending invitation.
func (s *Service) RevokeTeamInvite(ctx context.Context, tenant core.TenantID, id string) error {
	return s.store.RevokeTeamInvite(ctx, tenant, id, s.clock.Now())
}

// SetRole changes a member's role. The owner's role is fixed, only the owner
// grants or removes admin, and nobody changes their own role.
func (s *Service) SetRole(ctx context.Context, tenant core.TenantID, by access.Principal, userID string, role access.Role) (User, error) {
	u, err := s.store.GetUser(ctx, tenant, userID)
	if err != nil {
		return User{}, err
	}
	if !role.Valid() || role == access.RoleOwner {
		return User{}, core.Invalid("role", "must be admin, manager, analyst or finance")
	}
	if err := canManage(by, u); err != nil {
		return User{}, err
	}
	if role == access.RoleAdmin && by.Role != access.RoleOwner {
		return User{}, core.Errorf(core.KindForbidden, "only the owner can grant the admin role")
	}
	if err := s.store.SetUserRole(ctx, tenant, userID, role); err != nil {
		return User{}, fmt.Errorf("set role: %w", err)
	}
	u.Role = role
	return u, nil
}

// RemoveMember deletes a member (and with it their sessions and API keys).
func (s *Service) RemoveMember(ctx context.Context, tenant core.TenantID, by access.Principal, userID string) error {
	u, err := s.store.GetUser(ctx, tenant, userID)
	if err != nil {
		return err
	}
	if err := canManage(by, u); err != nil {
		return err
	}
	return s.store.DeleteUser(ctx, tenant, userID)
}

// canManage says whether by may change member u.
func canManage(by access.Principal, u User) error {
	switch {
	case u.ID == by.UserID:
		return core.Errorf(core.KindForbidden, "you cannot change your own membership")
	case u.Role == access.RoleOwner:
		return core.Errorf(core.KindForbidden, "the owner's membership cannot be changed")
	case u.Role == access.RoleAdmin && by.Role != access.RoleOwner:
		return core.Errorf(core.KindForbidden, "only the owner can change an admin")
	}
	return nil
}

// Member returns one team member.
func (s *Service) Member(ctx context.Context, tenant core.TenantID, id string) (User, error) {
	return s.store.GetUser(ctx, tenant, id)
}
