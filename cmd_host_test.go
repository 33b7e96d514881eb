package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/bus"
	"github.com/affcore/affcore/hosts/inproc"
	"github.com/affcore/affcore/hosts/wasm"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// signedBundle writes the clickscore plugin as a bundle signed by a fresh
// key into dir and returns the key's public half.
func signedBundle(t *testing.T, dir string) ed25519.PublicKey {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	manifest, err := os.ReadFile("plugins/clickscore/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := plugin.Pack(manifest, wasmtest.Build(t, "plugins/clickscore"), priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "clickscore.affplug"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return pub
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestHost_DedicatedProcess runs `affcore serve` (which registers the signed
// first-party bundle from its plugin directory at start and serves the
// registry over NATS), a dedicated `affcore host --tenant A` in a second
// process, and a core node in this test process: tenant A's hooks go to the
// dedicated host, tenant B's are served locally, a config change reaches the
// remote host without a restart, and when the host stops A falls back to
// local serving.
func TestHost_DedicatedProcess(t *testing.T) {
	pluginDir, natsAddr := t.TempDir(), freeAddr(t)
	pub := signedBundle(t, pluginDir)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	dbURL := coretest.DatabaseURL(t)
	dataDir := t.TempDir()
	// Share the test run's compile cache (compiling under -race is slow).
	if err := os.MkdirAll(wasmtest.CacheDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(wasmtest.CacheDir(), filepath.Join(dataDir, "wasm-cache")); err != nil {
		t.Fatal(err)
	}
	serveInProcess(t, map[string]string{"DATABASE_URL": dbURL, "AFFCORE_MASTER_KEY": hex.EncodeToString(key),
		"AFFCORE_PLUGIN_DIR": pluginDir, "AFFCORE_PLUGIN_KEYS": plugin.EncodePublicKey(pub)},
		"--data-dir", dataDir, "--nats-listen", natsAddr)

	db, err := postgres.Open(context.Background(), postgres.Config{URL: dbURL}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nc, err := nats.Connect("nats://" + natsAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	box, _ := secret.NewBox(key)
	svc := plugin.NewService(plugin.Config{Store: postgres.NewPluginStore(db), Sealer: box, Notifier: bus.NewNotifier(nc)}, coretest.Logger())
	ctx := context.Background()
	a, b := coretest.Tenant(t, db), coretest.Tenant(t, db)
	install := func(tenant core.TenantID, config string) {
		if _, err := svc.Install(ctx, tenant, "affcore.clickscore", plugin.InstallRequest{Config: []byte(config)}); err != nil {
			t.Fatalf("install for %s (registered at start?): %v", tenant, err)
		}
	}
	install(a, `{"blocked_asns": [7922]}`)
	install(b, `{}`)

	router := localNode(t, nc, svc)
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	host := exec.Command(bin, "host", "--tenant", string(a), "--nats", "nats://"+natsAddr, "--data-dir", t.TempDir())
	host.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	host.Stdout, host.Stderr = &out, &out
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Process.Kill(); _ = host.Wait() })
	waitUntil(t, "the dedicated host's heartbeat", func() bool { return router.Dedicated(a) })

	click := hook.ClickInput{ASN: 7922, IP: "203.0.113.9", Device: "desktop", AcceptLanguage: "en",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0", Headers: []hook.Header{{Name: "accept", Value: "*/*"}}}
	score := func(tenant core.TenantID) hook.ClickScore {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Minute) // the first call waits for the compile
		defer cancel()
		res, err := router.Call(cctx, tenant, abi.HookClickScore, click.AppendMsg(nil))
		var s hook.ClickScore
		if err == nil {
			err = s.UnmarshalMsg(res)
		}
		if err != nil {
			t.Fatalf("score for %s: %v\nhost log:\n%s", tenant, err, hostLog(&out))
		}
		return s
	}
	if s := score(a); s.Score != 0 {
		t.Fatalf("tenant A through its dedicated host: %+v", s)
	}
	if s := score(b); s.Score != 100 {
		t.Fatalf("tenant B locally: %+v", s)
	}
	_, err = bus.NewRemote(nc).Call(ctx, b, abi.HookClickScore, click.AppendMsg(nil))
	if !isUnavailable(err) {
		t.Fatalf("the dedicated host must not serve tenant B: %v", err)
	}

	install(a, `{}`) // announced on the bus: the remote host reloads without a restart
	waitUntil(t, "the config change on the dedicated host", func() bool { return score(a).Score == 100 })

	if err := host.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = host.Wait()
	waitUntil(t, "the router to forget the stopped host", func() bool { return !router.Dedicated(a) })
	if s := score(a); s.Score != 100 {
		t.Fatalf("tenant A back on the local node: %+v", s)
	}
}

func isUnavailable(err error) bool {
	var ce *hosts.CallError
	return errors.As(err, &ce) && ce.Code == abi.HostUnavailable
}

// localNode is a core node in this process: registry, Wasm engine with the
// first-party in-process loader, dispatcher, and the router.
func localNode(t *testing.T, nc *nats.Conn, svc *plugin.Service) *bus.Router {
	t.Helper()
	reg := hosts.NewRegistry(svc, time.Minute)
	engine, err := wasm.NewEngine(context.Background(), wasm.Config{Artifacts: reg.Artifact, CacheDir: wasmtest.CacheDir(), Limits: wasmtest.Patient}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(context.Background()) })
	var primary hosts.Server = inproc.NewLoader()
	disp := hosts.NewDispatcher(hosts.DispatcherConfig{Resolver: reg, Loader: hosts.Prefer{Primary: primary, Fallback: engine}, Limits: wasmtest.Patient}, coretest.Logger())
	t.Cleanup(disp.Close)
	stop, err := bus.OnChange(nc, func(tenant core.TenantID, id string) { reg.Invalidate(tenant); disp.Invalidate(id) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	router, err := bus.NewRouter(nc, disp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(router.Close)
	return router
}

func hostLog(b *syncBuffer) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
