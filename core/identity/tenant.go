package identity

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/affcore/affcore/core"
)

// Tenant returns the tenant.
func (s *Service) Tenant(ctx context.Context, tenant core.TenantID) (Tenant, error) {
	return s.store.GetTenant(ctx, tenant)
}

// TenantBySlug returns the tenant whose partner portal is /p/{slug}.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (Tenant, error) {
	return s.store.GetTenantBySlug(ctx, slug)
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// UpdateTenant changes tenant settings: name, the 2FA requirement, the
// postback IP allow-list and the partner-portal branding.
func (s *Service) UpdateTenant(ctx context.Context, tenant core.TenantID, u TenantUpdate) (Tenant, error) {
	var v core.Validator
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
		v.Check(n != "" && len(n) <= 200, "name", "must be 1 to 200 characters")
	}
	if u.PostbackIPAllow != nil {
		for i, c := range *u.PostbackIPAllow {
			if _, err := netip.ParsePrefix(c); err != nil {
				if _, err := netip.ParseAddr(c); err != nil {
					v.Add(fmt.Sprintf("postback_ip_allow[%d]", i), "must be an IP address or CIDR")
				}
			}
		}
	}
	if b := u.Branding; b != nil {
		v.Check(len(b.Name) <= 100, "branding.name", "must be at most 100 characters")
		v.Check(b.PrimaryColor == "" || hexColor.MatchString(b.PrimaryColor), "branding.primary_color", "must be a colour like #1a2b3c")
		v.Check(b.AccentColor == "" || hexColor.MatchString(b.AccentColor), "branding.accent_color", "must be a colour like #1a2b3c")
		v.Check(b.LogoURL == "" || validLogoURL(b.LogoURL), "branding.logo_url", "must be an https URL or a data:image URL under 256 KB")
	}
	if err := v.Err(); err != nil {
		return Tenant{}, err
	}
	return s.store.UpdateTenant(ctx, tenant, u)
}

func validLogoURL(s string) bool {
	if strings.HasPrefix(s, "data:image/") {
		return len(s) <= 256*1024
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && len(s) <= 2048
}

// RotatePostbackToken replaces the tenant's incoming-postback token; the old
// one stops working at once.
func (s *Service) RotatePostbackToken(ctx context.Context, tenant core.TenantID) (string, error) {
	tok := newPostbackToken()
	if err := s.store.SetPostbackToken(ctx, tenant, tok); err != nil {
		return "", fmt.Errorf("rotate postback token: %w", err)
	}
	return tok, nil
}

// Entitled is the entitlement check other areas call: nil when tenant's plan
// (or trial of it) includes feature.
func (s *Service) Entitled(ctx context.Context, tenant core.TenantID, f Feature) error {
	t, err := s.store.GetTenant(ctx, tenant)
	if err != nil {
		return fmt.Errorf("check entitlement: %w", err)
	}
	return t.Entitled(f, s.clock.Now())
}
