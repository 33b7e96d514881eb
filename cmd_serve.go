package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/web"
)

// runServe implements `affcore serve`: it wires configuration into the core,
// serves until ctx is cancelled, then shuts down in order within the
// configured timeout.
func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := parseConfig("serve", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	// Listen first: a port in use fails fast, before anything is created.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	log.Info("starting affcore", "version", version(), "config", cfg)

	in, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer in.close()
	box, err := masterKey(cfg, log)
	if err != nil {
		return err
	}
	if err := in.db.Migrate(ctx, log); err != nil {
		return err
	}
	if err := in.openBus(ctx, cfg, log); err != nil {
		return err
	}
	if err := in.bus.EnsureStreams(ctx, event.Streams()); err != nil {
		return err
	}

	// Plugins area: registry, wasm host, routing to dedicated hosts. Other
	// areas call hooks through plugins.hooks (a *hosts.Hooks: ScoreClick,
	// Commission, FormatPostback, DeliverCAPI, Payout, PayoutStatus, SpendSync).
	plugins, err := startPlugins(ctx, cfg, in, box, log)
	if err != nil {
		return fmt.Errorf("plugins: %w", err)
	}
	defer plugins.close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	handler := web.NewServer(web.Deps{
		Log:      log,
		Registry: reg,
		BaseURL:  cfg.BaseURL,
		Checks: []web.Checker{
			{Name: "postgres", Check: in.pgCheck},
			{Name: "nats", Check: in.bus.Check},
		},
		// Plugins area.
		Plugins:    plugins.svc,
		PluginLogs: plugins.logs,
	})
	return serveHTTP(ctx, ln, handler, cfg.ShutdownTimeout, log)
}

// serveHTTP serves until ctx is done, then stops accepting and drains
// in-flight requests within timeout.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, timeout time.Duration, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", timeout)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	log.Info("http server stopped; stopping workers and storage")
	return nil
}
