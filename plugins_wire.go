package main

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/bus"
	"github.com/affcore/affcore/hosts/wasm"
)

// buildPluginKey is the public key of the key that signed this build's
// first-party plugins; `make build` sets it with -ldflags -X.
var buildPluginKey string

// pluginRuntime is a running plugin host: the engine, the dispatcher of
// local calls, the logs, and (for serve) the registry service.
type pluginRuntime struct {
	svc     *plugin.Service // nil in `affcore host`
	engine  *wasm.Engine
	disp    *hosts.Dispatcher
	logs    *hosts.LogBook
	hooks   *hosts.Hooks
	closers []func()
}

func (p *pluginRuntime) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
	p.closers = nil
}

// trustedKeys returns the configured plugin keys plus the build's.
func trustedKeys(cfg Config) ([]ed25519.PublicKey, error) {
	keys, err := plugin.ParsePublicKeys(cfg.PluginKeys + "," + buildPluginKey)
	if err != nil {
		return nil, &ConfigError{Setting: "AFFCORE_PLUGIN_KEYS", Value: cfg.PluginKeys, Reason: err.Error()}
	}
	return keys, nil
}

// newLocalHost builds the engine and dispatcher over a source of
// installations (the plugin service, or the core's registry over the bus).
func newLocalHost(ctx context.Context, nc *nats.Conn, src hosts.Source, cacheDir string, allowPrivate bool, log *slog.Logger) (*pluginRuntime, *hosts.Registry, error) {
	p := &pluginRuntime{logs: hosts.NewLogBook(200, log.With("component", "plugins"))}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, nil, err
	}
	kv, err := bus.NewKV(ctx, js)
	if err != nil {
		return nil, nil, err
	}
	reg := hosts.NewRegistry(src, 30*time.Second)
	// Plugin log lines go to the bus; every core node feeds them into its
	// log book, so the API shows the lines of every host.
	logs := bus.NewLogPublisher(nc)
	p.engine, err = wasm.NewEngine(ctx, wasm.Config{CacheDir: cacheDir, AllowPrivate: allowPrivate, KV: kv, Logs: logs,
		Artifacts: reg.Artifact}, log.With("component", "wasm"))
	if err != nil {
		return nil, nil, err
	}
	p.closers = append(p.closers, func() { p.engine.Close(context.Background()) })
	loader := hosts.Prefer{Primary: firstParty(), Fallback: p.engine}
	p.disp = hosts.NewDispatcher(hosts.DispatcherConfig{Resolver: reg, Loader: loader, Logs: logs}, log.With("component", "plugins"))
	p.closers = append(p.closers, p.disp.Close)
	stop, err := bus.OnChange(nc, func(tenant core.TenantID, id string) {
		reg.Invalidate(tenant)
		p.disp.Invalidate(id)
	})
	if err != nil {
		p.close()
		return nil, nil, err
	}
	p.closers = append(p.closers, stop)
	return p, reg, nil
}

// startPlugins wires the plugin platform of `affcore serve`: the registry
// service, the local host, the router to dedicated hosts, the registry
// endpoints for them, and the first-party bundles of the plugin directory.
func startPlugins(ctx context.Context, cfg Config, in *infra, box *secret.Box, log *slog.Logger) (*pluginRuntime, error) {
	keys, err := trustedKeys(cfg)
	if err != nil {
		return nil, err
	}
	nc := in.bus.Conn
	var engine *wasm.Engine
	svc := plugin.NewService(plugin.Config{Store: postgres.NewPluginStore(in.db), Sealer: box, Notifier: bus.NewNotifier(nc),
		Checker: checkerFunc(func(ctx context.Context, b []byte, hooks []string) error { return engine.Compile(ctx, b, hooks) }),
		Trusted: keys}, log.With("component", "plugins"))
	p, _, err := newLocalHost(ctx, nc, svc, filepath.Join(cfg.DataDir, "wasm-cache"), cfg.AllowPrivateOutbound, log)
	if err != nil {
		return nil, err
	}
	p.svc, engine = svc, p.engine
	router, err := bus.NewRouter(nc, p.disp)
	if err != nil {
		p.close()
		return nil, err
	}
	p.closers = append(p.closers, router.Close)
	p.hooks = hosts.NewHooks(router)
	stopRegistry, err := bus.ServeRegistry(nc, svc)
	if err != nil {
		p.close()
		return nil, err
	}
	p.closers = append(p.closers, stopRegistry)
	stopLogs, err := bus.FeedLogs(nc, p.logs)
	if err != nil {
		p.close()
		return nil, err
	}
	p.closers = append(p.closers, stopLogs)
	registerBundles(ctx, svc, cfg.PluginDir, log)
	return p, nil
}

// checkerFunc adapts a function to plugin.Checker.
type checkerFunc func(ctx context.Context, artifact []byte, hooks []string) error

func (f checkerFunc) Compile(ctx context.Context, artifact []byte, hooks []string) error {
	return f(ctx, artifact, hooks)
}

// registerBundles adds every signed *.affplug of dir to the registry
// (idempotent: a bundle already registered is a no-op). A bundle that does
// not verify is skipped with a warning; the server still starts.
func registerBundles(ctx context.Context, svc *plugin.Service, dir string, log *slog.Logger) {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.affplug"))
	if len(paths) == 0 {
		log.Info("no first-party plugin bundles found (run make plugins)", "dir", dir)
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err == nil {
			var v plugin.Version
			if v, err = svc.RegisterPlatform(ctx, b); err == nil {
				log.Info("first-party plugin registered", "plugin", v.Manifest.ID, "version", v.Manifest.Version)
				continue
			}
		}
		log.Warn("first-party plugin bundle refused", "file", path, "err", err)
	}
}
