package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/postgres"
)

func TestMain(m *testing.M) { coretest.Main(m) }

func open(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), postgres.Config{URL: url}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	db := open(t, coretest.EmptyDatabaseURL(t))
	if err := db.Migrate(ctx, coretest.Logger()); err != nil {
		t.Fatal(err)
	}
	st, err := db.MigrationStatuses(ctx)
	if err != nil || len(st) == 0 {
		t.Fatalf("statuses: %v, %v", st, err)
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %d (%s) not applied", s.Version, s.Name)
		}
	}
	// Idempotent: a second run applies nothing and fails nothing.
	if err := db.Migrate(ctx, coretest.Logger()); err != nil {
		t.Fatal(err)
	}
}

func TestMigrate_RefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, true)`); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, coretest.Logger()); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("migrate on newer schema: %v; want ErrSchemaTooNew", err)
	}
	if err := db.CheckSchemaVersion(ctx); !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("check on newer schema: %v; want ErrSchemaTooNew", err)
	}
}

func TestDB_Check(t *testing.T) {
	db := coretest.DB(t)
	if err := db.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}
