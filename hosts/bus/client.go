package bus

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
)

// Remote calls a tenant's hooks on its dedicated host over NATS. It
// implements hosts.Caller.
type Remote struct{ nc *nats.Conn }

// NewRemote returns a Remote on nc.
func NewRemote(nc *nats.Conn) *Remote { return &Remote{nc: nc} }

// Call implements hosts.Caller.
func (c *Remote) Call(ctx context.Context, tenant core.TenantID, hook string, in []byte) ([]byte, error) {
	msg := &nats.Msg{Subject: CallSubject(tenant), Data: in, Header: nats.Header{}}
	msg.Header.Set(HeaderHook, hook)
	res, err := c.nc.RequestMsgWithContext(ctx, msg)
	if err != nil {
		if errors.Is(err, nats.ErrNoResponders) {
			return nil, hosts.HostError(abi.HostUnavailable, true, "no plugin host is serving tenant %s", tenant)
		}
		return nil, hosts.HostError(abi.HostUnavailable, true, "plugin host did not answer: %v", err)
	}
	env, err := abi.DecodeEnvelope(res.Data)
	if err != nil {
		return nil, hosts.HostError(abi.HostBadEnvelope, false, "plugin host answer: %v", err)
	}
	if !env.OK {
		return nil, &hosts.CallError{Code: env.Err.Code, Message: env.Err.Message, Retryable: env.Err.Retryable}
	}
	return env.Result, nil
}

// Router sends a tenant's calls to its dedicated host while one announces
// itself, and to the local Caller otherwise. It implements hosts.Caller.
type Router struct {
	local  hosts.Caller
	remote *Remote
	sub    *nats.Subscription
	down   *nats.Subscription

	mu   sync.RWMutex
	seen map[core.TenantID]time.Time
}

// NewRouter subscribes to host heartbeats on nc.
func NewRouter(nc *nats.Conn, local hosts.Caller) (*Router, error) {
	r := &Router{local: local, remote: NewRemote(nc), seen: map[core.TenantID]time.Time{}}
	var err error
	if r.sub, err = nc.Subscribe(SubjectHeartbeat, func(m *nats.Msg) { r.mark(m, true) }); err != nil {
		return nil, err
	}
	if r.down, err = nc.Subscribe(SubjectDown, func(m *nats.Msg) { r.mark(m, false) }); err != nil {
		_ = r.sub.Unsubscribe()
		return nil, err
	}
	if err := nc.Flush(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Router) mark(m *nats.Msg, up bool) {
	var b beat
	if json.Unmarshal(m.Data, &b) != nil || b.Tenant == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if up {
		r.seen[b.Tenant] = time.Now()
	} else {
		delete(r.seen, b.Tenant)
	}
}

// Dedicated reports whether tenant's calls currently go to a dedicated host.
func (r *Router) Dedicated(tenant core.TenantID) bool {
	r.mu.RLock()
	t, ok := r.seen[tenant]
	r.mu.RUnlock()
	return ok && time.Since(t) < 3*HeartbeatInterval
}

// Call implements hosts.Caller.
func (r *Router) Call(ctx context.Context, tenant core.TenantID, hook string, in []byte) ([]byte, error) {
	if r.Dedicated(tenant) {
		return r.remote.Call(ctx, tenant, hook, in)
	}
	return r.local.Call(ctx, tenant, hook, in)
}

// HasHook reports whether tenant may have a plugin for hook: always for a
// tenant on a dedicated host, else as the local dispatcher knows it.
func (r *Router) HasHook(ctx context.Context, tenant core.TenantID, hook string) bool {
	if r.Dedicated(tenant) {
		return true
	}
	hc, ok := r.local.(hosts.HookChecker)
	return !ok || hc.HasHook(ctx, tenant, hook)
}

// Close stops listening for heartbeats.
func (r *Router) Close() {
	_ = r.sub.Unsubscribe()
	_ = r.down.Unsubscribe()
}

// Interface guards.
var (
	_ hosts.Caller = (*Remote)(nil)
	_ hosts.Caller = (*Router)(nil)
)
