package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/postgres"
)

func TestMain(m *testing.M) {
	if addr := os.Getenv(bareServerEnv); addr != "" { // this binary re-run as the benchmark's baseline server
		serveBare(addr)
		return
	}
	coretest.Main(m)
}

// env returns a getenv over a fixed map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz until 200 or the deadline.
func waitReady(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready within %s", addr, within)
}

// serveInProcess runs `affcore serve` in this process until the test ends.
func serveInProcess(t *testing.T, vars map[string]string, args ...string) (addr string, stop func() error) {
	t.Helper()
	addr = freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	var stderr syncBuffer
	go func() {
		errc <- run(ctx, append([]string{"affcore", "serve", "--addr", addr, "--log-level", "warn"}, args...), env(vars), &stderr, &stderr)
	}()
	waitReady(t, addr, 60*time.Second)
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-errc })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return addr, stop
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func TestParseConfig_Errors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad-addr-env", nil, map[string]string{"AFFCORE_ADDR": "nope"}, `invalid AFFCORE_ADDR "nope": want host:port`},
		{"bad-addr-flag-wins", []string{"--addr", "x"}, map[string]string{"AFFCORE_ADDR": ":9000"}, `invalid --addr "x"`},
		{"bad-level", []string{"--log-level", "loud"}, nil, "want debug, info, warn or error"},
		{"bad-format", nil, map[string]string{"AFFCORE_LOG_FORMAT": "xml"}, "want text or json"},
		{"bad-base-url", nil, map[string]string{"AFFCORE_BASE_URL": "ftp://x"}, "want an absolute http(s) URL"},
		{"bad-db-url-masked", nil, map[string]string{"DATABASE_URL": "mysql:secret"}, `invalid DATABASE_URL "xxxxx"`},
		{"bad-nats", nil, map[string]string{"NATS_URL": "localhost"}, "want nats:// URLs"},
		{"bad-timeout", nil, map[string]string{"AFFCORE_SHUTDOWN_TIMEOUT": "-1s"}, "want a positive duration"},
		{"bad-proxies", nil, map[string]string{"AFFCORE_TRUSTED_PROXIES": "10.0.0.0/99"}, "is not a CIDR"},
		{"bad-bool", nil, map[string]string{"AFFCORE_ALLOW_PRIVATE_OUTBOUND": "maybe"}, "want 0 or 1"},
		{"stray-arg", []string{"extra"}, nil, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("serve", tc.args, env(tc.env), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v; want one line containing %q", err, tc.want)
			}
		})
	}
	c, err := parseConfig("serve", []string{"--data-dir", "/x"}, env(map[string]string{"AFFCORE_ADDR": "127.0.0.1:9", "AFFCORE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1"}), &bytes.Buffer{})
	if err != nil || c.DataDir != "/x" || c.Addr != "127.0.0.1:9" || c.BaseURL != "http://localhost:9" || len(c.TrustedProxies) != 2 {
		t.Fatalf("config = %+v, %v", c, err)
	}
}

// How many click batches publish at once follows where NATS runs, unless set.
func TestParseConfig_ClickPublishes(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want int
	}{
		{nil, 1},
		{map[string]string{"NATS_URL": "nats://nats.internal:4222"}, 4},
		{map[string]string{"NATS_URL": "nats://nats.internal:4222", "AFFCORE_CLICK_PUBLISHES": "2"}, 2},
		{map[string]string{"AFFCORE_CLICK_PUBLISHES": "8"}, 8},
	} {
		c, err := parseConfig("serve", nil, env(tc.env), &bytes.Buffer{})
		if err != nil || c.clickPublishes() != tc.want {
			t.Errorf("%v: %d publishes (%v); want %d", tc.env, c.clickPublishes(), err, tc.want)
		}
	}
	if _, err := parseConfig("serve", nil, env(map[string]string{"AFFCORE_CLICK_PUBLISHES": "-1"}), &bytes.Buffer{}); err == nil {
		t.Error("a negative AFFCORE_CLICK_PUBLISHES was accepted")
	}
}

func TestRun_InvalidConfigCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	err := run(context.Background(), []string{"affcore", "serve", "--data-dir", dir, "--log-format", "xml"}, env(nil), &bytes.Buffer{}, &bytes.Buffer{})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v; want ConfigError", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data dir created despite invalid config")
	}
}

func TestRun_PortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "data")
	err = run(context.Background(), []string{"affcore", "serve", "--addr", ln.Addr().String(), "--data-dir", dir}, env(nil), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("err = %v; want address already in use", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data dir created although the port was taken")
	}
}

// TestServe_ExternalDatabaseAndNATS runs serve against DATABASE_URL and an
// external NATS server reached over TCP.
func TestServe_ExternalDatabaseAndNATS(t *testing.T) {
	natsAddr := freeAddr(t)
	ext, err := natsbus.Open(context.Background(), natsbus.Config{StoreDir: t.TempDir(), Listen: natsAddr}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer ext.Close()
	dbURL := coretest.EmptyDatabaseURL(t)
	addr, stop := serveInProcess(t, map[string]string{"DATABASE_URL": dbURL, "NATS_URL": "nats://" + natsAddr}, "--data-dir", t.TempDir())
	res, err := http.Get("http://" + addr + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	db, err := postgres.Open(context.Background(), postgres.Config{URL: dbURL}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ := db.MigrationStatuses(context.Background())
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %d not applied by serve", s.Version)
		}
	}
}

func TestServe_RefusesNewerSchema(t *testing.T) {
	dbURL := coretest.DatabaseURL(t)
	db, err := postgres.Open(context.Background(), postgres.Config{URL: dbURL}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(context.Background(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, true)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = run(context.Background(), []string{"affcore", "serve", "--addr", freeAddr(t), "--data-dir", t.TempDir()},
		env(map[string]string{"DATABASE_URL": dbURL}), &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("err = %v; want ErrSchemaTooNew", err)
	}
}

func TestMigrateCommand(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"affcore", "migrate", "status", "--data-dir", t.TempDir()},
		env(map[string]string{"DATABASE_URL": coretest.EmptyDatabaseURL(t)}), &out, &bytes.Buffer{})
	if err != nil || !strings.Contains(out.String(), "pending") {
		t.Fatalf("migrate status: %v\n%s", err, out.String())
	}
	out.Reset()
	url := coretest.EmptyDatabaseURL(t)
	err = run(context.Background(), []string{"affcore", "migrate", "--data-dir", t.TempDir()}, env(map[string]string{"DATABASE_URL": url}), &out, &bytes.Buffer{})
	if err != nil || strings.Contains(out.String(), "pending") || !strings.Contains(out.String(), "applied") {
		t.Fatalf("migrate up: %v\n%s", err, out.String())
	}
}

// binary builds the affcore binary once for the process-level tests.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "affcore-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "affcore")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

// startBinary runs the real binary on a private data dir.
func startBinary(t *testing.T, dataDir, addr string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var out syncBuffer
	cmd := exec.Command(bin, "serve", "--data-dir", dataDir, "--addr", addr)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, &out
}

// TestBinary_EmbeddedLifecycle is the user's path: first start with no
// configuration, a second serve on the same data dir refused, kill -9, start
// again with no manual step, then a graceful SIGTERM that stops PostgreSQL.
func TestBinary_EmbeddedLifecycle(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	first, _ := startBinary(t, dataDir, addr)
	waitReady(t, addr, 60*time.Second)

	second, out := startBinary(t, dataDir, freeAddr(t))
	if err := second.Wait(); err == nil || !strings.Contains(out.b.String(), "in use by another affcore process") {
		t.Fatalf("second serve on the same data dir: %v\n%s", err, out.b.String())
	}

	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	restarted, out := startBinary(t, dataDir, addr)
	waitReady(t, addr, 60*time.Second)

	if err := restarted.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- restarted.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("graceful stop exited with %v\n%s", err, out.b.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("not stopped within 30s after SIGTERM\n%s", out.b.String())
	}
	if _, err := os.Stat(filepath.Join(dataDir, "pg", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("postgres still running after graceful stop (postmaster.pid present)")
	}
}

// TestREADME_DocumentsEverySetting keeps the README's configuration table in
// step with the settings table.
func TestREADME_DocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		if !strings.Contains(string(readme), "`"+s.env+"`") {
			t.Errorf("README lacks %s", s.env)
		}
		if s.flag != "" && !strings.Contains(string(readme), "`--"+s.flag+"`") {
			t.Errorf("README lacks --%s", s.flag)
		}
	}
}
