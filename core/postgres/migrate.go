package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/affcore/affcore/migrations"
)

// ErrSchemaTooNew means the database was migrated by a newer affcore.
var ErrSchemaTooNew = errors.New("database schema is newer than this affcore binary; run a newer affcore")

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// provider builds a goose provider over the pool. A PostgreSQL advisory lock
// serialises migrations when several nodes start at once.
func (db *DB) provider() (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(db.Pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return p, sqlDB, nil
}

// CheckSchemaVersion returns ErrSchemaTooNew when the database holds a
// migration this binary does not know.
func (db *DB) CheckSchemaVersion(ctx context.Context) error {
	p, sqlDB, err := db.provider()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	return checkNotNewer(ctx, p, sqlDB)
}

func checkNotNewer(ctx context.Context, p *goose.Provider, sqlDB *sql.DB) error {
	var known int64
	for _, s := range p.ListSources() {
		known = max(known, s.Version)
	}
	var applied sql.NullInt64
	err := sqlDB.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&applied)
	if err != nil {
		if isUndefinedTable(err) {
			return nil // a fresh database
		}
		return fmt.Errorf("read schema version: %w", err)
	}
	if applied.Valid && applied.Int64 > known {
		return fmt.Errorf("%w (database at version %d, binary knows up to %d)", ErrSchemaTooNew, applied.Int64, known)
	}
	return nil
}

// Migrate applies every pending migration, refusing a schema newer than the binary.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	p, sqlDB, err := db.provider()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	if err := checkNotNewer(ctx, p, sqlDB); err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		log.Info("applied migration", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// MigrationStatuses lists every known migration with its state.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, sqlDB, err := db.provider()
	if err != nil {
		return nil, err
	}
	defer sqlDB.Close()
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

func isUndefinedTable(err error) bool {
	var pgErr interface{ SQLState() string }
	return errors.As(err, &pgErr) && pgErr.SQLState() == "42P01"
}
