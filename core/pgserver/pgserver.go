// Package pgserver runs a private PostgreSQL cluster from the server binaries
// installed on the machine: initdb on first start, a Unix socket inside the
// cluster directory and no TCP listener, recovery from a crash of the owning
// process, and a clean stop. affcore uses it when DATABASE_URL is not set, and
// the test harness uses it to get a throwaway cluster.
//
// PostgreSQL refuses to run as root. When affcore runs as root, initdb and
// postgres run as the unprivileged "postgres" system user (created by the
// Debian package), which is given the cluster directory.
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBinaries means no PostgreSQL server binaries were found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, postgres) not found: install the Debian package \"postgresql\" (apt-get install postgresql) or set DATABASE_URL")

// Config says where the cluster lives and how it is tuned.
type Config struct {
	// Dir is the cluster directory (PGDATA), e.g. <data-dir>/pg.
	Dir string
	// BinDir holds initdb and postgres; empty means search PATH and /usr/lib/postgresql/*/bin.
	BinDir string
	// Database is created on first start if missing (default "affcore").
	Database string
	// Settings are extra postgres -c settings (e.g. fsync=off for tests).
	Settings map[string]string
	// StartTimeout bounds the wait for the server to accept connections (default 60s).
	StartTimeout time.Duration
}

// Server is a running private cluster.
type Server struct {
	cfg       Config
	bin       string
	socketDir string
	log       *slog.Logger
	cmd       *exec.Cmd
	exited    chan struct{}
	waitErr   error
	logPath   string
}

// superuser is the cluster's superuser role; connections use it over the socket.
const superuser = "affcore"

// port only names the socket file (.s.PGSQL.<port>); there is no TCP listener.
const port = 5432

// FindBinDir returns the directory holding initdb and postgres: PATH first,
// then the newest /usr/lib/postgresql/<version>/bin.
func FindBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start initialises the cluster if needed, recovers from a previous crash,
// starts postgres and waits until it accepts connections. The caller must
// hold exclusive use of cfg.Dir (affcore holds the data-dir lock).
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if cfg.Database == "" {
		cfg.Database = "affcore"
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 60 * time.Second
	}
	bin := cfg.BinDir
	if bin == "" {
		var err error
		if bin, err = FindBinDir(); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(filepath.Join(bin, "postgres")); err != nil {
		return nil, fmt.Errorf("%w (looked in %s)", ErrNoBinaries, bin)
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("postgres dir: %w", err)
	}
	cfg.Dir = dir
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, bin: bin, log: log, exited: make(chan struct{}), socketDir: socketDir(dir)}
	s.logPath = filepath.Join(filepath.Dir(dir), filepath.Base(dir)+".log")
	if err := s.prepare(ctx, cred); err != nil {
		return nil, err
	}
	if err := s.startAndWait(ctx, cred); err != nil {
		return nil, err
	}
	if err := s.ensureDatabase(ctx, cfg.Database); err != nil {
		_ = s.Stop(context.Background())
		return nil, err
	}
	return s, nil
}

// socketDir returns the directory for the Unix socket: the cluster directory,
// unless its path is too long for a socket address (108 bytes on Linux).
func socketDir(dir string) string {
	if len(dir)+len("/.s.PGSQL.5432.lock") < 100 {
		return dir
	}
	return filepath.Join(os.TempDir(), "affcore-pg-"+strconv.FormatUint(uint64(hash(dir)), 36))
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// prepare runs initdb on first start and clears what a crashed run left behind.
func (s *Server) prepare(ctx context.Context, cred *syscall.Credential) error {
	if err := ensureReachable(filepath.Dir(s.cfg.Dir), cred, s.log); err != nil {
		return err
	}
	if s.socketDir != s.cfg.Dir {
		s.log.Warn("postgres socket path too long for the data dir; using a private temp dir", "socket_dir", s.socketDir)
		if err := mkdirOwned(s.socketDir, cred); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(s.cfg.Dir, "PG_VERSION")); err == nil {
		if cred != nil {
			if err := chownTree(s.cfg.Dir, cred); err != nil {
				return err
			}
		}
		return s.clearStalePID()
	}
	return s.initdb(ctx, cred)
}

// initdb creates the cluster in a temporary sibling directory and renames it
// into place, so an interrupted first start leaves nothing half-written.
func (s *Server) initdb(ctx context.Context, cred *syscall.Credential) error {
	tmp := s.cfg.Dir + ".init"
	_ = os.RemoveAll(tmp)
	if err := mkdirOwned(tmp, cred); err != nil {
		return err
	}
	s.log.Info("initialising private PostgreSQL cluster", "dir", s.cfg.Dir)
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "initdb"),
		"-D", tmp, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = os.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("initdb: %w: %s", err, lastLines(out, 5))
	}
	if err := os.Rename(tmp, s.cfg.Dir); err != nil {
		return fmt.Errorf("initdb: move cluster into place: %w", err)
	}
	return nil
}

// clearStalePID handles a postmaster.pid left by a crash: an orphaned postgres
// from a killed affcore is shut down; a dead pid's file is removed.
func (s *Server) clearStalePID() error {
	pidFile := filepath.Join(s.cfg.Dir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read postmaster.pid: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(first))
	if pid > 0 && isPostgres(pid) {
		s.log.Warn("stopping orphaned postgres from a previous run", "pid", pid)
		if err := stopPID(pid, 30*time.Second); err != nil {
			return fmt.Errorf("stop orphaned postgres (pid %d): %w", pid, err)
		}
		return nil
	}
	s.log.Warn("removing stale postmaster.pid", "pid", pid)
	return os.Remove(pidFile)
}

func isPostgres(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && bytes.Contains(cmdline, []byte("postgres"))
}

// stopPID asks postgres for a fast shutdown, escalating to immediate and kill.
func stopPID(pid int, timeout time.Duration) error {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGKILL} {
		_ = syscall.Kill(pid, sig)
		deadline := time.Now().Add(timeout / 3)
		for time.Now().Before(deadline) {
			if syscall.Kill(pid, 0) != nil {
				return nil
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return errors.New("process did not exit")
}

// startAndWait starts postgres and waits until it accepts connections. After
// a crash of postgres itself, its orphaned backends may hold the old shared
// memory segment for a moment; postgres then refuses to start ("pre-existing
// shared memory block is still in use"), so that case is retried.
func (s *Server) startAndWait(ctx context.Context, cred *syscall.Credential) error {
	for attempt := 1; ; attempt++ {
		if err := s.start(cred); err != nil {
			return err
		}
		err := s.waitReady(ctx)
		if err == nil {
			return nil
		}
		_ = s.Stop(context.Background())
		if attempt == 10 || !strings.Contains(err.Error(), "shared memory block") {
			return err
		}
		s.log.Warn("postgres found the old shared memory still in use; retrying", "attempt", attempt)
		s.exited = make(chan struct{})
		time.Sleep(500 * time.Millisecond)
	}
}

// start launches postgres as a child process that gets SIGINT (fast shutdown)
// if affcore dies, so a kill -9 of affcore never leaves it running for long.
func (s *Server) start(cred *syscall.Credential) error {
	logFile, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("postgres log: %w", err)
	}
	args := []string{"-D", s.cfg.Dir, "-k", s.socketDir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=", "-c", "unix_socket_permissions=0700", "-c", "max_connections=200"}
	for _, k := range sortedKeys(s.cfg.Settings) {
		args = append(args, "-c", k+"="+s.cfg.Settings[k])
	}
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Dir = os.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT, Setpgid: true}
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that forked the child exits, so the fork
	// happens on a locked thread that lives as long as the child does.
	go func() {
		runtime.LockOSThread()
		defer logFile.Close()
		if err := cmd.Start(); err != nil {
			started <- err
			runtime.UnlockOSThread()
			return
		}
		started <- nil
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.cmd = cmd
	return nil
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StartTimeout)
	defer cancel()
	sock := filepath.Join(s.socketDir, fmt.Sprintf(".s.PGSQL.%d", port))
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			if err := s.psql(ctx, "postgres", "SELECT 1"); err == nil {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited during start (%v): %s", s.waitErr, s.LogTail(8))
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections within %s: %s", s.cfg.StartTimeout, s.LogTail(8))
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// ensureDatabase creates the application database if it does not exist.
func (s *Server) ensureDatabase(ctx context.Context, name string) error {
	out, err := s.query(ctx, "postgres", fmt.Sprintf("SELECT 1 FROM pg_database WHERE datname = '%s'", name))
	if err != nil {
		return err
	}
	if strings.TrimSpace(out) == "1" {
		return nil
	}
	return s.psql(ctx, "postgres", fmt.Sprintf("CREATE DATABASE %q", name))
}

// psql runs one SQL command through the cluster's own psql binary. It keeps
// this package free of database drivers; it is used only at start.
func (s *Server) psql(ctx context.Context, db, sql string) error {
	_, err := s.query(ctx, db, sql)
	return err
}

func (s *Server) query(ctx context.Context, db, sql string) (string, error) {
	psql := filepath.Join(s.bin, "psql")
	if _, err := os.Stat(psql); err != nil {
		psql = "psql"
	}
	cmd := exec.CommandContext(ctx, psql, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
		"-h", s.socketDir, "-p", strconv.Itoa(port), "-U", superuser, "-d", db, "-c", sql)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=5")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql %q: %w: %s", sql, err, lastLines(out, 3))
	}
	return string(out), nil
}

// ConnString returns a libpq/pgx connection string for database db over the socket.
func (s *Server) ConnString(db string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", s.socketDir, port, superuser, db)
}

// URL returns the connection string of the application database.
func (s *Server) URL() string { return s.ConnString(s.cfg.Database) }

// Exited is closed when the postgres process has exited.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// PID returns the postmaster's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop asks postgres for a fast shutdown and waits for it to exit.
func (s *Server) Stop(ctx context.Context) error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
		return nil
	case <-ctx.Done():
	case <-time.After(30 * time.Second):
	}
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	return errors.New("stop postgres: fast shutdown timed out; used immediate shutdown")
}

// LogTail returns the last n lines of the server log, for error messages.
func (s *Server) LogTail(n int) string {
	b, _ := os.ReadFile(s.logPath)
	return lastLines(b, n)
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
