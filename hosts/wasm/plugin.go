package wasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
)

// plugin is one installation: its compiled module and a bounded pool of
// instances that belong to this installation (and so to one tenant) only.
type plugin struct {
	e       *Engine
	inst    hosts.Installation
	class   hosts.Class
	lim     hosts.Limits // of the widest class: memory, instances, recycling
	cm      wazero.CompiledModule
	release func()

	idle chan *instance
	sem  chan struct{} // one token per live instance

	closeOnce sync.Once
	created   atomic.Int64
	discarded atomic.Int64
}

// PoolStats describes an installation's instance pool.
type PoolStats struct {
	Live      int   // instances alive (idle or busy)
	Idle      int   // instances waiting for a call
	Created   int64 // instances created since load
	Discarded int64 // instances discarded (trap, timeout, denial, recycling)
}

// Stats returns the pool's counters.
func (p *plugin) Stats() PoolStats {
	return PoolStats{Live: len(p.sem), Idle: len(p.idle), Created: p.created.Load(), Discarded: p.discarded.Load()}
}

// StatsOf returns the pool counters of a plugin loaded by this engine.
func StatsOf(p hosts.Plugin) (PoolStats, bool) {
	wp, ok := p.(*plugin)
	if !ok {
		return PoolStats{}, false
	}
	return wp.Stats(), true
}

func newPlugin(e *Engine, inst hosts.Installation, class hosts.Class, cm wazero.CompiledModule, release func()) *plugin {
	lim := e.cfg.Limits(class)
	n := max(lim.Instances, 1)
	return &plugin{e: e, inst: inst, class: class, lim: lim, cm: cm, release: release,
		idle: make(chan *instance, n), sem: make(chan struct{}, n)}
}

// prewarm creates the first instance.
func (p *plugin) prewarm(ctx context.Context) error {
	p.sem <- struct{}{}
	in, err := p.newInstance(ctx)
	if err != nil {
		<-p.sem
		return err
	}
	p.idle <- in
	return nil
}

// Call implements hosts.Plugin.
func (p *plugin) Call(ctx context.Context, hook string, input []byte) ([]byte, error) {
	lim := p.e.cfg.Limits(hosts.ClassOf(hook))
	if len(input) > lim.MaxInput {
		return nil, hosts.HostError(abi.HostInputLimit, false, "input of %d bytes exceeds the limit of %d", len(input), lim.MaxInput)
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	in, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	out, keep, err := in.call(ctx, hook, input, lim)
	p.put(in, keep)
	return out, err
}

// acquire takes an idle instance, or creates one while under the cap, or
// waits for one until ctx ends.
func (p *plugin) acquire(ctx context.Context) (*instance, error) {
	for {
		select {
		case in := <-p.idle:
			if time.Since(in.lastUsed) > p.lim.IdleTTL {
				p.discard(in)
				continue
			}
			return in, nil
		default:
		}
		select {
		case in := <-p.idle:
			return in, nil
		case p.sem <- struct{}{}:
			in, err := p.newInstance(ctx)
			if err != nil {
				<-p.sem
				return nil, err
			}
			return in, nil
		case <-ctx.Done():
			return nil, hosts.HostError(abi.HostBusy, true, "all %d instances busy until the deadline", cap(p.sem))
		}
	}
}

// put returns an instance to the pool, or discards it when it is broken or
// due for recycling.
func (p *plugin) put(in *instance, keep bool) {
	if !keep || in.calls >= p.lim.RecycleCalls || in.memSize() > p.lim.RecycleBytes {
		p.discard(in)
		return
	}
	in.lastUsed = time.Now()
	p.idle <- in
}

func (p *plugin) discard(in *instance) {
	p.discarded.Add(1)
	_ = in.mod.Close(context.Background())
	<-p.sem
}

// MemoryPages returns the largest linear memory (in 64 KiB pages) among a
// loaded plugin's idle instances, for tests and metrics.
func MemoryPages(p hosts.Plugin) uint32 {
	wp, ok := p.(*plugin)
	if !ok {
		return 0
	}
	var pages uint32
	for i := len(wp.idle); i > 0; i-- {
		in := <-wp.idle
		pages = max(pages, in.memSize()/65536)
		wp.idle <- in
	}
	return pages
}

// Close implements hosts.Plugin: it closes idle instances now and busy ones
// as they come back, then releases the compiled module.
func (p *plugin) Close(ctx context.Context) error {
	p.closeOnce.Do(func() {
		for i := 0; i < cap(p.sem); i++ {
			select {
			case p.sem <- struct{}{}: // a slot nobody uses
			case in := <-p.idle:
				_ = in.mod.Close(ctx)
			case <-ctx.Done():
				return
			}
		}
		p.release()
	})
	return nil
}

// newInstance instantiates the module (no FS, env or args; stdout and stderr
// to the plugin log; crypto randomness; fake clocks), runs the reactor's
// _initialize and the plugin's affcore_init with the init deadline.
func (p *plugin) newInstance(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.lim.InitTimeout)
	defer cancel()
	in := &instance{p: p}
	st := newCallState(p, "init", p.lim)
	ctx = withState(ctx, st)
	logw := &logWriter{in: in}
	cfg := wazero.NewModuleConfig().WithName("").WithStartFunctions().
		WithStdout(logw).WithStderr(logw).WithRandSource(rand.Reader)
	mod, err := p.e.runtimes[p.class].InstantiateModule(ctx, p.cm, cfg)
	if err != nil {
		return nil, hosts.HostError(abi.HostLoadFailed, false, "instantiate: %v", err)
	}
	in.mod = mod
	if err := in.init(ctx); err != nil {
		_ = mod.Close(context.Background())
		return nil, err
	}
	in.lastUsed = time.Now()
	p.created.Add(1)
	return in, nil
}

// instance is one module instance and its cached exports.
type instance struct {
	p        *plugin
	mod      api.Module
	alloc    api.Function
	gc       api.Function
	hooks    map[string]api.Function
	stack    []uint64
	inPtr    uint32 // the guest's input buffer (affcore_alloc), reused while inputs fit
	inCap    uint32
	calls    int
	gcMark   uint32
	lastUsed time.Time
	state    *callState // of the call in progress, for stdout/stderr
}

func (in *instance) init(ctx context.Context) error {
	in.alloc = in.mod.ExportedFunction(abi.ExportAlloc)
	in.gc = in.mod.ExportedFunction(abi.ExportGC)
	in.hooks = map[string]api.Function{}
	for _, h := range in.p.inst.Hooks {
		in.hooks[h] = in.mod.ExportedFunction(abi.HookExportPrefix + h)
	}
	in.stack = make([]uint64, 1)
	in.gcMark = in.p.lim.RecycleBytes / 2
	in.state = stateOf(ctx)
	if _, err := in.mod.ExportedFunction(abi.ExportInitialize).Call(ctx); err != nil {
		return hosts.HostError(abi.HostLoadFailed, false, "_initialize: %v", describeTrap(ctx, err))
	}
	if f := in.mod.ExportedFunction(abi.ExportInit); f != nil {
		res, err := f.Call(ctx)
		if err != nil {
			return hosts.HostError(abi.HostLoadFailed, false, "affcore_init: %v", describeTrap(ctx, err))
		}
		if len(res) == 1 && res[0] != 0 {
			return hosts.HostError(abi.CodeInvalidConfig, false, "the plugin refused its configuration (affcore_init returned %d; see the plugin log)", int32(res[0]))
		}
	}
	return nil
}

func (in *instance) memSize() uint32 { return in.mod.Memory().Size() }

// call runs one hook on the instance. keep is false when the instance must
// be discarded (trap, timeout, misbehaviour).
func (in *instance) call(ctx context.Context, hook string, input []byte, lim hosts.Limits) (out []byte, keep bool, err error) {
	fn := in.hooks[hook]
	if fn == nil {
		return nil, true, &hosts.CallError{Code: abi.CodeNotImplemented, Message: "plugin does not serve " + hook}
	}
	st := newCallState(in.p, hook, lim)
	in.state = st
	ctx = withState(ctx, st)
	in.calls++
	if err := in.reserve(ctx, uint32(len(input))); err != nil {
		return nil, false, err
	}
	if !in.mod.Memory().Write(in.inPtr, input) {
		return nil, false, hosts.HostError(abi.HostTrap, false, "affcore_alloc returned a buffer outside memory")
	}
	in.stack[0] = uint64(len(input))
	if err := fn.CallWithStack(ctx, in.stack); err != nil {
		return nil, false, trapError(ctx, err)
	}
	out, err = in.readEnvelope(in.stack[0], lim)
	if err != nil {
		return nil, false, err
	}
	in.maybeGC(ctx)
	// A plugin that panicked or tried a forbidden capability may have left
	// its globals half-updated or be probing: its instance is not reused.
	keep = !st.denied
	if st.envelopeErr != nil {
		keep = keep && st.envelopeErr.Code != abi.CodePanic
		return nil, keep, st.envelopeErr
	}
	return out, keep, nil
}

// reserve makes sure the guest's input buffer holds n bytes, calling
// affcore_alloc only when it does not (each guest call has a fixed cost).
func (in *instance) reserve(ctx context.Context, n uint32) error {
	if n <= in.inCap && in.inPtr != 0 {
		return nil
	}
	in.stack[0] = uint64(n)
	if err := in.alloc.CallWithStack(ctx, in.stack); err != nil {
		return trapError(ctx, err)
	}
	// ABI v1: the buffer holds at least max(n, 4096) bytes.
	in.inPtr, in.inCap = uint32(in.stack[0]), max(n, 4096)
	return nil
}

// readEnvelope copies the guest's output out of linear memory and decodes
// the envelope; a plugin error is returned through st.envelopeErr by the
// caller so the instance is kept.
func (in *instance) readEnvelope(packed uint64, lim hosts.Limits) ([]byte, error) {
	ptr, n := abi.UnpackResult(packed)
	if int(n) > lim.MaxOutput {
		return nil, hosts.HostError(abi.HostOutputLimit, false, "output of %d bytes exceeds the limit of %d", n, lim.MaxOutput)
	}
	raw, ok := in.mod.Memory().Read(ptr, n)
	if !ok {
		return nil, hosts.HostError(abi.HostBadEnvelope, false, "output pointer outside memory")
	}
	env, err := abi.DecodeEnvelope(raw)
	if err != nil {
		return nil, hosts.HostError(abi.HostBadEnvelope, false, "output is not an ABI envelope: %v", err)
	}
	if !env.OK {
		in.state.envelopeErr = &hosts.CallError{Code: env.Err.Code, Message: env.Err.Message, Retryable: env.Err.Retryable}
		return nil, nil
	}
	return append([]byte(nil), env.Result...), nil
}

// maybeGC asks the guest to collect when its memory passed the mark: the
// safety net for Go guests whose GC stalls in long-lived instances.
func (in *instance) maybeGC(ctx context.Context) {
	if in.gc != nil && in.memSize() > in.gcMark {
		_, _ = in.gc.Call(ctx)
		in.gcMark = in.memSize() + 1<<20
	}
}

// trapError classifies a failed guest call.
func trapError(ctx context.Context, err error) error {
	var exit *sys.ExitError
	if ctx.Err() != nil || (errors.As(err, &exit) && (exit.ExitCode() == sys.ExitCodeDeadlineExceeded || exit.ExitCode() == sys.ExitCodeContextCanceled)) {
		return hosts.HostError(abi.HostTimeout, true, "the call passed its deadline and the instance was stopped")
	}
	return hosts.HostError(abi.HostTrap, true, "%v", describeTrap(ctx, err))
}

func describeTrap(ctx context.Context, err error) string {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		if st := stateOf(ctx); st != nil && st.lastLog != "" {
			return fmt.Sprintf("the plugin exited with code %d (%s)", exit.ExitCode(), st.lastLog)
		}
		return fmt.Sprintf("the plugin exited with code %d (a Go runtime fatal error such as out of memory or stack overflow)", exit.ExitCode())
	}
	return firstLines(err.Error(), 12)
}

// firstLines keeps the head of a trap message (wazero appends the whole wasm
// stack trace).
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines[n] = "…"
	}
	return strings.Join(lines, "\n")
}

// Interface guard.
var _ hosts.Plugin = (*plugin)(nil)
