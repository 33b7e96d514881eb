package pgserver_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/affcore/affcore/core/pgserver"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func testSettings() map[string]string {
	return map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
}

func psql(t *testing.T, s *pgserver.Server, sql string) string {
	t.Helper()
	out, err := exec.Command("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", s.URL(), "-c", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v: %s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestServer_StartStopRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	ctx := context.Background()
	s, err := pgserver.Start(ctx, pgserver.Config{Dir: dir, Settings: testSettings()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	psql(t, s, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
	if got := psql(t, s, "SHOW listen_addresses"); got != "" {
		t.Errorf("listen_addresses = %q; want no TCP listener", got)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid left after clean stop: %v", err)
	}
	s, err = pgserver.Start(ctx, pgserver.Config{Dir: dir, Settings: testSettings()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(ctx)
	if got := psql(t, s, "SELECT v FROM kept"); got != "42" {
		t.Errorf("data after restart = %q", got)
	}
}

// TestServer_OrphanAfterOwnerKilled simulates kill -9 of the owning process:
// the postmaster.pid names a live postgres that nobody supervises. Start must
// stop it and come up on the same directory.
func TestServer_OrphanAfterOwnerKilled(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	ctx := context.Background()
	s, err := pgserver.Start(ctx, pgserver.Config{Dir: dir, Settings: testSettings()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	psql(t, s, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)")
	orphan := s.PID() // s is abandoned without Stop, as after kill -9 of its owner

	s2, err := pgserver.Start(ctx, pgserver.Config{Dir: dir, Settings: testSettings()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Stop(ctx)
	if syscall.Kill(orphan, 0) == nil {
		t.Errorf("orphaned postgres %d still running", orphan)
	}
	if got := psql(t, s2, "SELECT v FROM kept"); got != "7" {
		t.Errorf("data after orphan recovery = %q", got)
	}
}

func TestServer_StalePIDFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	ctx := context.Background()
	s, err := pgserver.Start(ctx, pgserver.Config{Dir: dir, Settings: testSettings()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	pidFile, _ := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	_ = syscall.Kill(s.PID(), syscall.SIGKILL) // a crash: the pid file stays behind
	<-s.Exited()
	// Point the stale file at a pid that does not exist.
	lines := strings.SplitN(string(pidFile), "\n", 2)
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), []byte("999999\n"+lines[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	s2, err := pgserver.Start(ctx, pgserver.Config{Dir: dir, Settings: testSettings(), StartTimeout: 30 * time.Second}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Stop(ctx)
	psql(t, s2, "SELECT 1")
}

func TestServer_NoBinaries(t *testing.T) {
	_, err := pgserver.Start(context.Background(), pgserver.Config{Dir: t.TempDir(), BinDir: t.TempDir()}, quiet())
	if !errors.Is(err, pgserver.ErrNoBinaries) || !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Fatalf("start with an empty bin dir: %v; want ErrNoBinaries naming the package", err)
	}
}

func TestFindBinDir(t *testing.T) {
	dir, err := pgserver.FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres")); err != nil {
		t.Errorf("bin dir %s has no postgres: %v", dir, err)
	}
}
