//lint:file-ignore U1000 shared helpers of the authenticated API routes, which land next

// Package postgres is affcore's storage adapter: a pgx connection pool,
// embedded goose migrations, a transaction runner, and the implementations of
// the Store interfaces that the domain packages declare. It translates driver
// errors into core error kinds at its boundary.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/affcore/affcore/core"
)

// Config configures the pool.
type Config struct {
	URL      string
	MaxConns int32 // default 20
}

// DB is the connection pool plus the stores built on it.
type DB struct {
	Pool *pgxpool.Pool
	log  *slog.Logger
}

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*DB, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	pc.MaxConns = cfg.MaxConns
	if pc.MaxConns == 0 {
		pc.MaxConns = 20
	}
	pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pc.ConnConfig.RuntimeParams["application_name"] = "affcore"
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{Pool: pool, log: log}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Check implements a readiness check: the database answers within the context.
func (db *DB) Check(ctx context.Context) error {
	var one int
	if err := db.Pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// InTx runs fn in a transaction, committing when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.Pool, fn)
}

// translate maps driver errors to core error kinds: no rows → not found,
// unique violation → conflict, foreign key violation → invalid. what names the
// entity for the user-facing message.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Errorf(core.KindNotFound, "%s not found", what)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return core.Wrap(core.KindConflict, err, what+" already exists")
		case "23503":
			return core.Wrap(core.KindInvalid, err, what+" refers to something that does not exist")
		case "23514", "22P02", "22001":
			return core.Wrap(core.KindInvalid, err, what+" has an invalid value")
		}
	}
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint violation,
// optionally of the named constraint.
func IsUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}

// nullTime maps the zero time to SQL NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
