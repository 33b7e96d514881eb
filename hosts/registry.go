package hosts

import (
	"context"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/plugin"
)

// Source supplies a tenant's enabled installations and the artifacts: the
// plugin service in process, or the core's registry over the bus on a
// remote host.
type Source interface {
	Runtime(ctx context.Context, tenant core.TenantID) ([]plugin.Runtime, error)
	Artifact(ctx context.Context, sha256 string) ([]byte, error)
}

// Registry is the Resolver of a running host: it caches each tenant's
// installations (the click path must not query the database) and drops a
// tenant's entry when the bus announces a change; a TTL bounds staleness if
// an announcement is lost.
type Registry struct {
	src Source
	ttl time.Duration

	mu    sync.Mutex
	cache map[core.TenantID]*tenantEntry
}

type tenantEntry struct {
	ready chan struct{}
	insts []Installation
	err   error
	at    time.Time
}

// NewRegistry returns a Registry over src.
func NewRegistry(src Source, ttl time.Duration) *Registry {
	return &Registry{src: src, ttl: ttl, cache: map[core.TenantID]*tenantEntry{}}
}

// Installations implements Resolver.
func (r *Registry) Installations(ctx context.Context, tenant core.TenantID, hook string) ([]Installation, error) {
	e := r.entry(tenant)
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	var out []Installation
	for _, in := range e.insts {
		if in.Serves(hook) {
			out = append(out, in)
		}
	}
	return out, nil
}

func (r *Registry) entry(tenant core.TenantID) *tenantEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.cache[tenant]
	if ok && (!isDone(e.ready) || (e.err == nil && time.Since(e.at) < r.ttl)) {
		return e
	}
	e = &tenantEntry{ready: make(chan struct{})}
	r.cache[tenant] = e
	go r.load(tenant, e)
	return e
}

func isDone(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func (r *Registry) load(tenant core.TenantID, e *tenantEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rts, err := r.src.Runtime(ctx, tenant)
	e.err, e.at = err, time.Now()
	for _, rt := range rts {
		e.insts = append(e.insts, installationOf(rt))
	}
	close(e.ready)
}

func installationOf(rt plugin.Runtime) Installation {
	return Installation{ID: rt.InstallationID, Tenant: rt.Tenant, PluginID: rt.PluginID, Version: rt.Version,
		Revision: rt.Revision, Hooks: rt.Hooks, SHA256: rt.SHA256, Config: rt.Config, Secrets: rt.Secrets,
		SecretNames: rt.SecretNames, AllowedHosts: rt.AllowedHosts, Priority: rt.Priority}
}

// Invalidate drops a tenant's cached installations.
func (r *Registry) Invalidate(tenant core.TenantID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.cache, tenant)
}

// Artifact fetches an artifact from the source (the wasm engine's
// Config.Artifacts).
func (r *Registry) Artifact(ctx context.Context, sha string) ([]byte, error) {
	return r.src.Artifact(ctx, sha)
}
