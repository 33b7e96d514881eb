package hosts

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
)

// KV is the plugins' key-value store. Every method is scoped by tenant and
// plugin id: a plugin names only its own keys, so one tenant's plugin can
// never read another tenant's (or another plugin's) data.
type KV interface {
	Get(ctx context.Context, tenant core.TenantID, plugin, key string) ([]byte, error)
	Put(ctx context.Context, tenant core.TenantID, plugin, key string, val []byte, ttl time.Duration) error
	Delete(ctx context.Context, tenant core.TenantID, plugin, key string) error
}

// ErrKeyNotFound is returned by KV.Get for a missing key.
var ErrKeyNotFound = errors.New("kv: key not found")

// MemoryKV is an in-memory KV for tests and single-process tools.
type MemoryKV struct {
	mu sync.Mutex
	m  map[string]memVal
}

type memVal struct {
	val     []byte
	expires time.Time
}

// NewMemoryKV returns an empty MemoryKV.
func NewMemoryKV() *MemoryKV { return &MemoryKV{m: map[string]memVal{}} }

func memKey(tenant core.TenantID, plugin, key string) string {
	return string(tenant) + "\x00" + plugin + "\x00" + key
}

// Get implements KV.
func (k *MemoryKV) Get(_ context.Context, tenant core.TenantID, plugin, key string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[memKey(tenant, plugin, key)]
	if !ok || (!v.expires.IsZero() && time.Now().After(v.expires)) {
		return nil, ErrKeyNotFound
	}
	return append([]byte(nil), v.val...), nil
}

// Put implements KV.
func (k *MemoryKV) Put(_ context.Context, tenant core.TenantID, plugin, key string, val []byte, ttl time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	v := memVal{val: append([]byte(nil), val...)}
	if ttl > 0 {
		v.expires = time.Now().Add(ttl)
	}
	k.m[memKey(tenant, plugin, key)] = v
	return nil
}

// Delete implements KV.
func (k *MemoryKV) Delete(_ context.Context, tenant core.TenantID, plugin, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, memKey(tenant, plugin, key))
	return nil
}
