// Package wasm is affcore's WebAssembly plugin engine on wazero. It compiles
// each artifact once (keyed by its sha256, with a file compilation cache under
// the data directory so restarts are fast), validates it against ABI v1
// before instantiation, and keeps a bounded pool of instances per
// installation — one tenant's instances are never shared with another.
// Every call runs under the hook class limits: a wall-clock deadline that
// closes the instance (WithCloseOnContextDone), a memory limit, input, output,
// log, key-value and HTTP budgets. Instances are discarded on a trap or a
// timeout and recycled after N calls or when their memory grows past a
// threshold. WASI is capability-safe: no filesystem, no environment, no
// arguments, fake clocks; the host functions of the affcore_v1 namespace are
// the plugin's only way out.
package wasm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/affcore/affcore/hosts"
)

// Config configures an Engine.
type Config struct {
	// CacheDir holds compiled code between restarts (e.g. <data-dir>/wasm-cache);
	// empty keeps it in memory only.
	CacheDir string
	// AllowPrivate lets plugin HTTP reach private and loopback addresses
	// (AFFCORE_ALLOW_PRIVATE_OUTBOUND; tests on loopback).
	AllowPrivate bool
	// Limits returns the limits of a hook class (nil = hosts.DefaultLimits).
	Limits hosts.LimitsFunc
	// KV is the plugins' key-value store (nil = an in-memory store).
	KV hosts.KV
	// Logs receives plugin log lines (nil = dropped).
	Logs hosts.LogSink
	// Artifacts fetches an artifact by sha256 when an Installation does not
	// carry its bytes.
	Artifacts func(ctx context.Context, sha256 string) ([]byte, error)
	// HTTPClient overrides the outbound client (tests trust a local CA this
	// way); its CheckRedirect is replaced to re-check the allow-list.
	HTTPClient *http.Client
}

// Engine compiles and runs plugins. It implements hosts.Loader.
type Engine struct {
	cfg      Config
	log      *slog.Logger
	cache    wazero.CompilationCache
	runtimes [3]wazero.Runtime // one per hosts.Class: the memory limit is runtime-wide
	client   *http.Client

	mu       sync.Mutex
	compiled map[compileKey]*compiled
}

type compileKey struct {
	class hosts.Class
	sha   string
}

// compiled is one artifact compiled for one runtime, shared by every
// installation of it and closed when the last one closes.
type compiled struct {
	ready chan struct{}
	mod   wazero.CompiledModule
	err   error
	refs  int
}

// NewEngine creates the runtimes, the compilation cache and the host module.
func NewEngine(ctx context.Context, cfg Config, log *slog.Logger) (*Engine, error) {
	if cfg.Limits == nil {
		cfg.Limits = hosts.DefaultLimits
	}
	if cfg.KV == nil {
		cfg.KV = hosts.NewMemoryKV()
	}
	e := &Engine{cfg: cfg, log: log, compiled: map[compileKey]*compiled{}}
	if err := e.openCache(); err != nil {
		return nil, err
	}
	for c := hosts.ClassClick; c <= hosts.ClassIO; c++ {
		rc := wazero.NewRuntimeConfigCompiler().WithCompilationCache(e.cache).
			WithCloseOnContextDone(true).WithMemoryLimitPages(cfg.Limits(c).MemoryPages)
		r := wazero.NewRuntimeWithConfig(ctx, rc)
		e.runtimes[c] = r
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
			e.Close(ctx)
			return nil, fmt.Errorf("wasm: instantiate WASI: %w", err)
		}
		if err := e.instantiateHost(ctx, r); err != nil {
			e.Close(ctx)
			return nil, fmt.Errorf("wasm: instantiate host module: %w", err)
		}
	}
	e.client = newHTTPClient(cfg)
	return e, nil
}

func (e *Engine) openCache() error {
	if e.cfg.CacheDir == "" {
		e.cache = wazero.NewCompilationCache()
		return nil
	}
	if err := os.MkdirAll(e.cfg.CacheDir, 0o700); err != nil {
		return fmt.Errorf("wasm: cache dir: %w", err)
	}
	c, err := wazero.NewCompilationCacheWithDir(e.cfg.CacheDir)
	if err != nil {
		return fmt.Errorf("wasm: cache dir %s: %w", e.cfg.CacheDir, err)
	}
	e.cache = c
	return nil
}

// Close releases every runtime and the compilation cache.
func (e *Engine) Close(ctx context.Context) {
	for _, r := range e.runtimes {
		if r != nil {
			_ = r.Close(ctx)
		}
	}
	if e.cache != nil {
		_ = e.cache.Close(ctx)
	}
}

// Load implements hosts.Loader: compile (once per artifact), validate,
// and create the installation's pool with one ready instance, so a bad
// plugin fails here rather than on the first call.
func (e *Engine) Load(ctx context.Context, inst hosts.Installation) (hosts.Plugin, error) {
	class := hosts.ClassOfHooks(inst.Hooks)
	cm, release, err := e.compile(ctx, class, inst)
	if err != nil {
		return nil, err
	}
	if err := checkModule(cm, inst.Hooks); err != nil {
		release()
		return nil, err
	}
	p := newPlugin(e, inst, class, cm, release)
	if err := p.prewarm(ctx); err != nil {
		_ = p.Close(ctx)
		return nil, err
	}
	return p, nil
}

// Compile compiles an artifact for a class without an installation (at
// upload time, to fail fast and warm the file cache) and validates it.
func (e *Engine) Compile(ctx context.Context, artifact []byte, hooks []string) error {
	sum := sha256.Sum256(artifact)
	inst := hosts.Installation{SHA256: hex.EncodeToString(sum[:]), Artifact: artifact, Hooks: hooks}
	cm, release, err := e.compile(ctx, hosts.ClassOfHooks(hooks), inst)
	if err != nil {
		return err
	}
	defer release()
	return checkModule(cm, hooks)
}

// compile returns the compiled module of inst's artifact for class, and a
// release func to call when the caller no longer needs it.
func (e *Engine) compile(ctx context.Context, class hosts.Class, inst hosts.Installation) (wazero.CompiledModule, func(), error) {
	key := compileKey{class: class, sha: inst.SHA256}
	e.mu.Lock()
	c, ok := e.compiled[key]
	if !ok {
		c = &compiled{ready: make(chan struct{})}
		e.compiled[key] = c
	}
	c.refs++
	e.mu.Unlock()
	if !ok {
		c.mod, c.err = e.compileArtifact(ctx, class, inst)
		close(c.ready)
	}
	<-c.ready
	release := func() { e.release(key, c) }
	if c.err != nil {
		release()
		return nil, nil, c.err
	}
	return c.mod, release, nil
}

func (e *Engine) release(key compileKey, c *compiled) {
	e.mu.Lock()
	c.refs--
	last := c.refs == 0
	if last {
		delete(e.compiled, key)
	}
	e.mu.Unlock()
	if last && c.mod != nil {
		_ = c.mod.Close(context.Background())
	}
}

func (e *Engine) compileArtifact(ctx context.Context, class hosts.Class, inst hosts.Installation) (wazero.CompiledModule, error) {
	b := inst.Artifact
	if b == nil {
		if e.cfg.Artifacts == nil {
			return nil, errors.New("wasm: installation carries no artifact and no artifact source is configured")
		}
		var err error
		if b, err = e.cfg.Artifacts(ctx, inst.SHA256); err != nil {
			return nil, fmt.Errorf("wasm: fetch artifact %s: %w", inst.SHA256, err)
		}
	}
	sum := sha256.Sum256(b)
	if inst.SHA256 != "" && hex.EncodeToString(sum[:]) != inst.SHA256 {
		return nil, fmt.Errorf("wasm: artifact does not match its sha256 %s", inst.SHA256)
	}
	if err := checkBinary(b); err != nil {
		return nil, err
	}
	cm, err := e.runtimes[class].CompileModule(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("wasm: compile: %w", err)
	}
	return cm, nil
}

// Interface guard.
var _ hosts.Loader = (*Engine)(nil)
