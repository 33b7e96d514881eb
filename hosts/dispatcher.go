package hosts

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/pdk/go/abi"
)

// Dispatcher runs a tenant's hook calls in this process: it resolves the
// tenant's installations, loads each one once per revision through the
// Loader, guards it with a circuit breaker, applies the hook class deadline
// and writes host-side failures to the plugin log. It implements Caller.
type Dispatcher struct {
	resolver Resolver
	loader   Loader
	logs     LogSink
	limits   LimitsFunc
	policy   BreakerPolicy
	log      *slog.Logger
	now      func() time.Time

	mu     sync.Mutex
	loaded map[string]*entry // by installation id
}

// entry is one installation's loaded plugin (or load error) and breaker.
type entry struct {
	rev      int64
	ready    chan struct{} // closed when plugin/err are set
	plugin   Plugin
	err      error
	failedAt time.Time // when the load failed; a failed load is retried after reloadAfter
	brk      *breaker
}

// reloadAfter is how long a failed load (e.g. the artifact could not be
// fetched) is remembered before the next call tries again.
const reloadAfter = 30 * time.Second

// DispatcherConfig holds the Dispatcher's collaborators.
type DispatcherConfig struct {
	Resolver Resolver
	Loader   Loader
	Logs     LogSink
	Limits   LimitsFunc    // nil = DefaultLimits
	Breaker  BreakerPolicy // zero = DefaultBreaker
}

// NewDispatcher returns a Dispatcher.
func NewDispatcher(cfg DispatcherConfig, log *slog.Logger) *Dispatcher {
	if cfg.Limits == nil {
		cfg.Limits = DefaultLimits
	}
	if cfg.Breaker.Faults == 0 {
		cfg.Breaker = DefaultBreaker
	}
	return &Dispatcher{resolver: cfg.Resolver, loader: cfg.Loader, logs: cfg.Logs, limits: cfg.Limits,
		policy: cfg.Breaker, log: log, now: time.Now, loaded: map[string]*entry{}}
}

// Call implements Caller: it runs hook on the tenant's installation of it
// (click scoring: on each installation in turn, failing open).
func (d *Dispatcher) Call(ctx context.Context, tenant core.TenantID, hook string, in []byte) ([]byte, error) {
	insts, err := d.resolver.Installations(ctx, tenant, hook)
	if err != nil {
		return nil, hostError(abi.HostUnavailable, true, "resolve installations: %v", err)
	}
	if len(insts) == 0 {
		return nil, hostError(abi.HostNoPlugin, false, "tenant has no enabled plugin for %s", hook)
	}
	if hook == abi.HookClickScore && len(insts) > 1 {
		return d.chainClick(ctx, insts, in)
	}
	return d.CallInstallation(ctx, insts[0], hook, in)
}

// HasHook reports whether tenant has an enabled plugin for hook, from the
// cached registry (on a lookup error it answers true, so the real call
// reports the failure).
func (d *Dispatcher) HasHook(ctx context.Context, tenant core.TenantID, hook string) bool {
	insts, err := d.resolver.Installations(ctx, tenant, hook)
	return err != nil || len(insts) > 0
}

// CallInstallation runs hook on one installation.
func (d *Dispatcher) CallInstallation(ctx context.Context, inst Installation, hook string, in []byte) ([]byte, error) {
	lim := d.limits(ClassOf(hook))
	if len(in) > lim.MaxInput {
		return nil, hostError(abi.HostInputLimit, false, "input of %d bytes exceeds the %d-byte limit of %s", len(in), lim.MaxInput, hook)
	}
	e := d.entry(inst)
	if !e.brk.allow(d.now()) {
		return nil, &CallError{Code: abi.HostCircuitOpen, Message: "too many recent failures; calls paused", Retryable: true, PluginID: inst.PluginID, Host: true}
	}
	p, err := d.plugin(ctx, e, inst)
	if err == nil {
		cctx, cancel := context.WithTimeout(ctx, lim.Timeout)
		var out []byte
		out, err = p.Call(cctx, hook, in)
		cancel()
		if err == nil {
			e.brk.record(d.now(), false)
			return out, nil
		}
	}
	ce := AsCallError(err)
	ce.PluginID = inst.PluginID
	e.brk.record(d.now(), ce.Fault())
	d.logFailure(inst, hook, ce)
	return nil, ce
}

func (d *Dispatcher) logFailure(inst Installation, hook string, ce *CallError) {
	if d.logs == nil {
		return
	}
	level := slog.LevelWarn
	if ce.Host {
		level = slog.LevelError
	}
	d.logs.Write(LogEntry{Tenant: inst.Tenant, Installation: inst.ID, PluginID: inst.PluginID, Hook: hook,
		Level: level, Message: ce.Code + ": " + ce.Message, Host: ce.Host})
}

// entry returns the installation's entry, replacing it when the revision changed.
func (d *Dispatcher) entry(inst Installation) *entry {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.loaded[inst.ID]
	if ok && e.rev == inst.Revision && !e.retryable(d.now()) {
		return e
	}
	brk := newBreaker(d.policy)
	if ok {
		if e.rev == inst.Revision {
			brk = e.brk // a retried load keeps the fault history
		}
		go closeEntry(e)
	}
	e = &entry{rev: inst.Revision, ready: make(chan struct{}), brk: brk}
	d.loaded[inst.ID] = e
	go d.load(e, inst)
	return e
}

// load builds the plugin in the background, so a caller with a tight
// deadline (the click path) never waits for compilation; it fails open.
func (d *Dispatcher) load(e *entry, inst Installation) {
	lim := d.limits(ClassOfHooks(inst.Hooks))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute+lim.InitTimeout)
	defer cancel()
	e.plugin, e.err = d.loader.Load(ctx, inst)
	if e.err != nil {
		ce := AsCallError(e.err)
		ce.Code, ce.Host = abi.HostLoadFailed, true
		e.err, e.failedAt = ce, d.now()
		d.logFailure(inst, "", ce)
	}
	close(e.ready)
}

// retryable reports whether a failed load is old enough to try again.
func (e *entry) retryable(now time.Time) bool {
	select {
	case <-e.ready:
		return e.err != nil && now.Sub(e.failedAt) > reloadAfter
	default:
		return false
	}
}

func (d *Dispatcher) plugin(ctx context.Context, e *entry, inst Installation) (Plugin, error) {
	select {
	case <-e.ready:
		return e.plugin, e.err
	case <-ctx.Done():
		return nil, hostError(abi.HostUnavailable, true, "plugin %s is still loading", inst.PluginID)
	}
}

func closeEntry(e *entry) {
	<-e.ready
	if e.plugin != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.plugin.Close(ctx)
	}
}

// Warm loads an installation ahead of its first call (e.g. click scoring
// plugins at start) and waits until it is ready or ctx ends.
func (d *Dispatcher) Warm(ctx context.Context, inst Installation) error {
	_, err := d.plugin(ctx, d.entry(inst), inst)
	return err
}

// Invalidate drops a loaded installation; the next call loads it again.
func (d *Dispatcher) Invalidate(installation string) {
	d.mu.Lock()
	e, ok := d.loaded[installation]
	delete(d.loaded, installation)
	d.mu.Unlock()
	if ok {
		go closeEntry(e)
	}
}

// Close closes every loaded plugin.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	all := d.loaded
	d.loaded = map[string]*entry{}
	d.mu.Unlock()
	for _, e := range all {
		closeEntry(e)
	}
}
