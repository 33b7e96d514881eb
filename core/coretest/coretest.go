// Package coretest is the test harness every affcore test uses: a throwaway
// PostgreSQL cluster per test package (started from the machine's server
// binaries by the same code as the embedded default, or TEST_DATABASE_URL),
// a fresh migrated database per test cloned from a template, and an
// in-process NATS server with JetStream per test. Database tests never skip.
//
// A package with database tests calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { coretest.Main(m) }
package coretest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/pgserver"
	"github.com/affcore/affcore/core/postgres"
)

// harness is the per-process state: the cluster and the migrated template.
type harness struct {
	once     sync.Once
	err      error
	server   *pgserver.Server
	tmpDir   string
	adminURL string // connection string of a maintenance database
	template string
	strategy string
	seq      atomic.Int64
}

var h harness // per test binary; the only package state, owned by Main

// Main runs the package's tests and then stops the throwaway cluster.
func Main(m *testing.M) {
	code := m.Run()
	h.close()
	os.Exit(code)
}

// Logger returns a logger that discards everything, or writes to stderr when
// AFFCORE_TEST_LOG is set (handy when debugging a failing test).
func Logger() *slog.Logger {
	if os.Getenv("AFFCORE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// Server returns the package's throwaway cluster, starting it on first use.
// It returns nil when TEST_DATABASE_URL points to an external server.
func Server(t testing.TB) *pgserver.Server {
	t.Helper()
	h.setup()
	if h.err != nil {
		t.Fatalf("test database: %v", h.err)
	}
	return h.server
}

// DatabaseURL returns the connection string of a fresh, migrated database
// that is dropped when the test ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	Server(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), h.seq.Add(1))
	ctx := context.Background()
	if err := h.exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s%s", name, h.template, h.strategy)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { _ = h.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return withDatabase(h.adminURL, name)
}

// EmptyDatabaseURL returns the connection string of a fresh database with no
// schema at all, dropped when the test ends (for migration tests).
func EmptyDatabaseURL(t testing.TB) string {
	t.Helper()
	Server(t)
	name := fmt.Sprintf("e%d_%d", os.Getpid(), h.seq.Add(1))
	if err := h.exec(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create empty database: %v", err)
	}
	t.Cleanup(func() { _ = h.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return withDatabase(h.adminURL, name)
}

// DB returns a pool on a fresh migrated database, closed when the test ends.
func DB(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), postgres.Config{URL: DatabaseURL(t), MaxConns: 10}, Logger())
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// NATS returns a fresh embedded NATS server with JetStream, stopped when the
// test ends.
func NATS(t testing.TB) *natsbus.Bus {
	t.Helper()
	b, err := natsbus.Open(context.Background(), natsbus.Config{StoreDir: t.TempDir(), Name: t.Name()}, Logger())
	if err != nil {
		t.Fatalf("start test nats: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

func (h *harness) setup() {
	h.once.Do(func() { h.err = h.start() })
}

func (h *harness) start() error {
	ctx := context.Background()
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		h.adminURL = url
	} else {
		dir, err := os.MkdirTemp("", "affcore-testpg-")
		if err != nil {
			return err
		}
		h.tmpDir = dir
		if err := os.Chmod(dir, 0o755); err != nil { // reachable by the postgres user when root
			return err
		}
		settings := map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300"}
		h.server, err = pgserver.Start(ctx, pgserver.Config{Dir: filepath.Join(dir, "pg"), Database: "postgres", Settings: settings}, Logger())
		if err != nil {
			return err
		}
		h.adminURL = h.server.ConnString("postgres")
	}
	return h.buildTemplate(ctx)
}

// buildTemplate migrates a template database once per test binary.
func (h *harness) buildTemplate(ctx context.Context) error {
	h.template = fmt.Sprintf("tpl%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if err := h.exec(ctx, "CREATE DATABASE "+h.template); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, postgres.Config{URL: withDatabase(h.adminURL, h.template), MaxConns: 2}, Logger())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx, Logger()); err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	var version int
	if err := db.Pool.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return err
	}
	if version >= 150000 {
		h.strategy = " STRATEGY FILE_COPY" // much faster than WAL_LOG for small templates
	}
	return nil
}

func (h *harness) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, h.adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func (h *harness) close() {
	if h.template != "" && h.err == nil {
		_ = h.exec(context.Background(), "DROP DATABASE IF EXISTS "+h.template+" WITH (FORCE)")
	}
	if h.server != nil {
		_ = h.server.Stop(context.Background())
	}
	if h.tmpDir != "" {
		_ = os.RemoveAll(h.tmpDir)
	}
}

// withDatabase returns conn with its database replaced by name. It accepts
// both postgres:// URLs and keyword/value connection strings.
func withDatabase(conn, name string) string {
	if u, err := url.Parse(conn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		return u.String()
	}
	fields := strings.Fields(conn)
	out := fields[:0]
	for _, f := range fields {
		if !strings.HasPrefix(f, "dbname=") {
			out = append(out, f)
		}
	}
	return strings.Join(append(out, "dbname="+name), " ")
}
