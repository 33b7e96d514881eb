package identity

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
)

// APIKeyInput describes a new API key.
type APIKeyInput struct {
	Name      string
	Scopes    []access.Scope
	ExpiresAt time.Time // zero = never
	Test      bool      // an ak_test_ key: its writes are test data
}

// CreatedAPIKey is a new key; Key is shown only this once.
type CreatedAPIKey struct {
	APIKey
	Key string
}

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// CreateAPIKey issues a key with the given scopes. A key never exceeds its
// creator's role, and the tenant's plan must include API access.
func (s *Service) CreateAPIKey(ctx context.Context, tenant core.TenantID, by access.Principal, in APIKeyInput) (CreatedAPIKey, error) {
	if by.APIKeyID != "" || by.Kind != access.KindUser {
		return CreatedAPIKey{}, core.Errorf(core.KindForbidden, "API keys are created by team members in a login session")
	}
	if err := s.validateKey(by, &in); err != nil {
		return CreatedAPIKey{}, err
	}
	t, err := s.store.GetTenant(ctx, tenant)
	if err != nil {
		return CreatedAPIKey{}, fmt.Errorf("create api key: %w", err)
	}
	if err := t.Entitled(FeatureAPIKeys, s.clock.Now()); err != nil {
		return CreatedAPIKey{}, err
	}
	prefix := LiveKeyPrefix
	if in.Test {
		prefix = TestKeyPrefix
	}
	key := prefix + randomString(32)
	k := APIKey{ID: core.NewID("key"), TenantID: tenant, CreatedBy: by.UserID, Name: in.Name, Prefix: key[:len(prefix)+4],
		Hash: hashToken(key), Scopes: in.Scopes, Test: in.Test, ExpiresAt: in.ExpiresAt, CreatedAt: s.clock.Now()}
	if err := s.store.CreateAPIKey(ctx, k); err != nil {
		return CreatedAPIKey{}, fmt.Errorf("create api key: %w", err)
	}
	return CreatedAPIKey{APIKey: k, Key: key}, nil
}

// validateKey checks name, scopes (known, deduplicated, within the creator's
// role) and expiry.
func (s *Service) validateKey(by access.Principal, in *APIKeyInput) error {
	var v core.Validator
	in.Name = strings.TrimSpace(in.Name)
	v.Check(in.Name != "" && len(in.Name) <= 100, "name", "must be 1 to 100 characters")
	v.Check(len(in.Scopes) > 0, "scopes", "must list at least one scope")
	slices.Sort(in.Scopes)
	in.Scopes = slices.Compact(in.Scopes)
	for _, sc := range in.Scopes {
		switch {
		case !slices.Contains(access.APIKeyScopes, sc):
			v.Add("scopes", fmt.Sprintf("%q is not an API key scope", sc))
		case !access.RoleHas(by.Role, sc):
			v.Add("scopes", fmt.Sprintf("%q exceeds your role (%s)", sc, by.Role))
		}
	}
	v.Check(in.ExpiresAt.IsZero() || in.ExpiresAt.After(s.clock.Now()), "expires_at", "must be in the future")
	return v.Err()
}

// APIKeys lists the tenant's keys (never the secrets).
func (s *Service) APIKeys(ctx context.Context, tenant core.TenantID) ([]APIKey, error) {
	return s.store.ListAPIKeys(ctx, tenant)
}

// RevokeAPIKey revokes a key at once.
func (s *Service) RevokeAPIKey(ctx context.Context, tenant core.TenantID, id string) error {
	return s.store.RevokeAPIKey(ctx, tenant, id, s.clock.Now())
}

// randomString returns n characters of [0-9A-Za-z] from crypto/rand.
func randomString(n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(keyAlphabet)))
	for i := range b {
		x, _ := rand.Int(rand.Reader, max)
		b[i] = keyAlphabet[x.Int64()]
	}
	return string(b)
}
