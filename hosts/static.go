package hosts

import (
	"context"
	"sort"
	"sync"

	"github.com/affcore/affcore/core"
)

// StaticResolver is a Resolver over a fixed set of installations, for tests
// and for a host that is given its installations directly.
type StaticResolver struct {
	mu    sync.RWMutex
	insts []Installation
}

// NewStaticResolver returns a resolver serving insts.
func NewStaticResolver(insts ...Installation) *StaticResolver {
	return &StaticResolver{insts: insts}
}

// Set replaces the installations.
func (s *StaticResolver) Set(insts ...Installation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.insts = insts
}

// Installations implements Resolver.
func (s *StaticResolver) Installations(_ context.Context, tenant core.TenantID, hook string) ([]Installation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Installation
	for _, in := range s.insts {
		if in.Tenant == tenant && in.Serves(hook) {
			out = append(out, in)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out, nil
}
