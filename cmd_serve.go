package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/affcore/affcore/core/event"
)

// runServe implements `affcore serve`: it wires configuration into the core,
// serves until ctx is cancelled, then shuts down in order — stop accepting
// and drain HTTP, stop workers, drain the bus, close PostgreSQL — within the
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
	tuneGC(getenv, log)

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
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a, err := newApp(ctx, cfg, in, box, reg, log)
	if err != nil {
		return err
	}
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	workCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	waitWorkers := a.run(workCtx)
	err = serveHTTP(ctx, ln, a.handler, cfg.ShutdownTimeout, log)
	stopWorkers()
	waitWorkers()
	log.Info("workers stopped; closing the bus and storage")
	return err
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
	log.Info("http server stopped")
	return nil
}

// serveDebug serves Go's profiles on their own listener, apart from the
// public API, for operators investigating performance.
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("debug listener %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Warn("serving Go profiles", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}
