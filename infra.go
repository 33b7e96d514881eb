package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/affcore/affcore/core/datadir"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/pgserver"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
)

// infra is what every command that touches data needs: the data-dir lock,
// PostgreSQL (private or external) and, for serve, the bus. close releases
// them in reverse order.
type infra struct {
	lock    *datadir.Lock
	pg      *pgserver.Server // nil with DATABASE_URL
	db      *postgres.DB
	bus     *natsbus.Bus
	closers []func()
}

func (in *infra) close() {
	for i := len(in.closers) - 1; i >= 0; i-- {
		in.closers[i]()
	}
	in.closers = nil
}

// openData takes the data-dir lock and connects to PostgreSQL, starting the
// private cluster when no DATABASE_URL is set. It does not migrate.
func openData(ctx context.Context, cfg Config, log *slog.Logger) (*infra, error) {
	in := &infra{}
	lock, err := datadir.Acquire(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	in.lock = lock
	in.closers = append(in.closers, func() { _ = lock.Release() })
	url := cfg.DatabaseURL
	if url == "" {
		pg, err := pgserver.Start(ctx, pgserver.Config{Dir: filepath.Join(cfg.DataDir, "pg"), BinDir: cfg.PGBinDir}, log.With("component", "postgres"))
		if err != nil {
			in.close()
			return nil, fmt.Errorf("private postgres: %w", err)
		}
		in.pg = pg
		in.closers = append(in.closers, func() {
			if err := pg.Stop(context.Background()); err != nil {
				log.Warn("stop postgres", "err", err)
			}
		})
		url = pg.URL()
	}
	db, err := postgres.Open(ctx, postgres.Config{URL: url, MaxConns: 40}, log)
	if err != nil {
		in.close()
		return nil, err
	}
	in.db = db
	in.closers = append(in.closers, db.Close)
	return in, nil
}

// openBus connects to NATS (embedded unless NATS_URL is set).
func (in *infra) openBus(ctx context.Context, cfg Config, log *slog.Logger) error {
	bus, err := natsbus.Open(ctx, natsbus.Config{URL: cfg.NATSURL, StoreDir: filepath.Join(cfg.DataDir, "nats"),
		Listen: cfg.NATSListen, Name: "affcore"}, log)
	if err != nil {
		return err
	}
	in.bus = bus
	in.closers = append(in.closers, bus.Close)
	return nil
}

// masterKey returns the secrets box, from AFFCORE_MASTER_KEY or the key file.
func masterKey(cfg Config, log *slog.Logger) (*secret.Box, error) {
	if cfg.MasterKey != "" {
		key, err := secret.ParseKey(cfg.MasterKey)
		if err != nil {
			return nil, &ConfigError{Setting: "AFFCORE_MASTER_KEY", Value: "xxxxx", Reason: err.Error()}
		}
		return secret.NewBox(key)
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	key, created, err := secret.LoadOrCreateKeyFile(path)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("AFFCORE_MASTER_KEY is not set: generated a master key; back it up, secrets cannot be read without it", "file", path)
	}
	return secret.NewBox(key)
}

// pgCheck adds the private cluster's liveness to the database readiness check.
func (in *infra) pgCheck(ctx context.Context) error {
	if in.pg != nil {
		select {
		case <-in.pg.Exited():
			return errors.New("private postgres exited: " + in.pg.LogTail(2))
		default:
		}
	}
	return in.db.Check(ctx)
}
