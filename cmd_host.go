package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts/bus"
)

// runHost implements `affcore host --tenant T [--nats URL]`: a dedicated
// plugin host serving only tenant T's hook calls. It reads T's installations
// and artifacts from the core's registry over NATS, and announces itself so
// the core routes T's calls here.
func runHost(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("affcore host", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tenant := fs.String("tenant", "", "the tenant whose hooks this host serves (required)")
	natsURL := fs.String("nats", getenv("NATS_URL"), "NATS URL of the affcore cluster (env NATS_URL)")
	dataDir := fs.String("data-dir", orDefault(getenv("AFFCORE_DATA_DIR"), "./data"), "directory for the compiled-plugin cache (env AFFCORE_DATA_DIR)")
	level := fs.String("log-level", orDefault(getenv("AFFCORE_LOG_LEVEL"), "info"), "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenant == "" || *natsURL == "" {
		fs.Usage()
		return errors.New("affcore host needs --tenant and --nats (or NATS_URL)")
	}
	allowPrivate, _ := strconv.ParseBool(orDefault(getenv("AFFCORE_ALLOW_PRIVATE_OUTBOUND"), "0"))
	var lv slog.Level
	if lv.UnmarshalText([]byte(*level)) != nil {
		return &ConfigError{Setting: "--log-level", Value: *level, Reason: "want debug, info, warn or error"}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv})).With("tenant_id", *tenant)
	nc, err := nats.Connect(*natsURL, nats.Name("affcore-host-"+*tenant), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		return fmt.Errorf("connect to nats %s: %w", *natsURL, err)
	}
	defer nc.Close()
	p, _, err := newLocalHost(ctx, nc, bus.NewRemoteSource(nc), filepath.Join(*dataDir, "wasm-cache"), allowPrivate, log)
	if err != nil {
		return err
	}
	defer p.close()
	h, err := bus.Serve(nc, core.TenantID(*tenant), p.disp, log)
	if err != nil {
		return err
	}
	log.Info("plugin host serving", "subject", bus.CallSubject(core.TenantID(*tenant)))
	<-ctx.Done()
	log.Info("plugin host stopping")
	return h.Stop()
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
