package identity

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// SignupInput is an advertiser's sign-up.
type SignupInput struct {
	Email, Password, Company, Plan string
}

// LoginMeta is where a login comes from.
type LoginMeta struct {
	IP, UserAgent string
}

// SignupResult is what a new advertiser gets: a tenant on a trial and a session.
type SignupResult struct {
	TenantID    core.TenantID
	UserID      string
	Token       string
	TrialEndsAt time.Time
}

// normEmail validates and lower-cases an email address.
func normEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "", core.Invalid(field, "must be a valid email address")
	}
	return strings.ToLower(s), nil
}

// Signup creates a tenant on a 30-day trial of the chosen plan with its owner,
// atomically, and logs the owner in.
func (s *Service) Signup(ctx context.Context, in SignupInput, meta LoginMeta) (SignupResult, error) {
	var v core.Validator
	email, err := normEmail("email", in.Email)
	if err != nil {
		v.Add("email", "must be a valid email address")
	}
	company := strings.TrimSpace(in.Company)
	v.Check(company != "" && len(company) <= 200, "company", "must be 1 to 200 characters")
	plan, err := ParsePlan(in.Plan)
	if err != nil {
		v.Add("plan", "must be starter, professional or enterprise")
	}
	if err := s.checkPassword("password", in.Password, email); err != nil {
		v.Add("password", core.FieldsOf(err)[0].Message)
	}
	if err := v.Err(); err != nil {
		return SignupResult{}, err
	}
	now := s.clock.Now()
	t := Tenant{ID: core.TenantID(core.NewID("ten")), Name: company, Slug: slugify(company) + "-" + randomSuffix(),
		Plan: plan, Status: "trial", TrialEndsAt: now.AddDate(0, 0, s.cfg.TrialDays), PostbackToken: newPostbackToken(), CreatedAt: now}
	u := User{Account: Account{ID: core.NewID("usr"), TenantID: t.ID, Email: email, Status: "active",
		PasswordHash: hashPassword(in.Password, s.cfg.Argon), PasswordChangedAt: now, CreatedAt: now}, Role: access.RoleOwner}
	if err := s.store.CreateTenantWithOwner(ctx, t, u); err != nil {
		if core.KindOf(err) == core.KindConflict {
			return SignupResult{}, &core.Error{Kind: core.KindConflict, Message: "an account with this email already exists",
				Fields: []core.FieldError{{Field: "email", Message: "is already registered"}}}
		}
		return SignupResult{}, fmt.Errorf("signup: %w", err)
	}
	token, err := s.startSession(ctx, t.ID, SubjectUser, u.ID, meta)
	if err != nil {
		return SignupResult{}, err
	}
	s.audit.Record(ctx, t.ID, AuditEvent{ActorKind: "user", ActorID: u.ID, Action: "auth.signup", TargetType: "tenant",
		TargetID: string(t.ID), IP: meta.IP, Summary: map[string]any{"email": email, "company": company, "plan": plan}})
	return SignupResult{TenantID: t.ID, UserID: u.ID, Token: token, TrialEndsAt: t.TrialEndsAt}, nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slugify makes a URL path segment from a company name.
func slugify(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	if s == "" {
		s = "program"
	}
	return s
}

// randomSuffix keeps slugs unique without a retry loop.
func randomSuffix() string {
	id := core.NewID("x")
	return id[len(id)-6:]
}

// newPostbackToken returns a tenant's postback token.
func newPostbackToken() string {
	tok, _ := newToken()
	return "pbk_" + tok
}
