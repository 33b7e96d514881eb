package postback

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
)

// Sealer encrypts secrets at rest; *secret.Box implements it.
type Sealer interface {
	Seal(plaintext, aad []byte) []byte
	Open(sealed, aad []byte) ([]byte, error)
}

// SecretPrefix starts every generated signing secret, so secret scanners
// and people recognise one.
const SecretPrefix = "pbsec_"

// secretTTL bounds how long an opened secret stays cached: a rotation on
// another node is seen within it.
const secretTTL = 30 * time.Second

// Secrets manages signing secrets: one per partner and one for the tenant's
// webhooks, sealed with the master key, shown once when generated and never
// returned again. Opened secrets are cached briefly for the workers.
type Secrets struct {
	store SecretStore
	box   Sealer
	mu    sync.Mutex
	cache map[string]cachedSecret
}

type cachedSecret struct {
	value []byte
	until time.Time
}

// NewSecrets returns a secrets manager over store and box.
func NewSecrets(store SecretStore, box Sealer) *Secrets {
	return &Secrets{store: store, box: box, cache: map[string]cachedSecret{}}
}

// aad binds a sealed secret to its tenant and owner so it cannot be moved.
func aad(tenant core.TenantID, key string) []byte {
	return []byte("postback-secret/" + string(tenant) + "/" + key)
}

// Rotate generates a new secret for the owner, stores it sealed and returns
// it: the only time it is shown.
func (s *Secrets) Rotate(ctx context.Context, tenant core.TenantID, o Owner) (string, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	plain := SecretPrefix + base64.RawURLEncoding.EncodeToString(b)
	sealed := s.box.Seal([]byte(plain), aad(tenant, o.secretKey()))
	if err := s.store.SaveSecret(ctx, tenant, o.secretKey(), sealed); err != nil {
		return "", fmt.Errorf("save signing secret: %w", err)
	}
	s.mu.Lock()
	delete(s.cache, string(tenant)+"/"+o.secretKey())
	s.mu.Unlock()
	return plain, nil
}

// Has reports whether the owner has a secret.
func (s *Secrets) Has(ctx context.Context, tenant core.TenantID, o Owner) (bool, error) {
	_, err := s.store.Secret(ctx, tenant, o.secretKey())
	switch core.KindOf(err) {
	case core.KindNotFound:
		return false, nil
	case core.KindInternal:
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

// ensure generates a secret when the owner has none, returning it (shown
// once) or "" when one already existed.
func (s *Secrets) ensure(ctx context.Context, tenant core.TenantID, o Owner) (string, error) {
	has, err := s.Has(ctx, tenant, o)
	if err != nil || has {
		return "", err
	}
	return s.Rotate(ctx, tenant, o)
}

// Secret returns the plaintext signing key of a job's receiver: the
// partner's secret, or the tenant's webhook secret when partnerID is "".
func (s *Secrets) Secret(ctx context.Context, tenant core.TenantID, partnerID string) ([]byte, error) {
	k := string(tenant) + "/" + partnerID
	now := time.Now()
	s.mu.Lock()
	c, ok := s.cache[k]
	s.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.value, nil
	}
	sealed, err := s.store.Secret(ctx, tenant, partnerID)
	if err != nil {
		return nil, fmt.Errorf("signing secret: %w", err)
	}
	plain, err := s.box.Open(sealed, aad(tenant, partnerID))
	if err != nil {
		return nil, fmt.Errorf("signing secret: %w", err)
	}
	s.mu.Lock()
	s.cache[k] = cachedSecret{value: plain, until: now.Add(secretTTL)}
	s.mu.Unlock()
	return plain, nil
}
