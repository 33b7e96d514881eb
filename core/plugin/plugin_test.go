package plugin_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/hosts/wasm"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
)

func TestMain(m *testing.M) { coretest.Main(m) }

func manifestOf(t *testing.T, dir string, edit func(m map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile(wasmtest.Root(t) + "/" + dir + "/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	out, _ := json.Marshal(m)
	return out
}

func TestBundle_SignedUnsignedTampered(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	manifest := manifestOf(t, "plugins/clickscore", nil)
	wasmBytes := []byte("\x00asm\x01\x00\x00\x00fake body")
	signed, err := plugin.Pack(manifest, wasmBytes, priv)
	if err != nil {
		t.Fatal(err)
	}
	b, err := plugin.OpenBundle(signed)
	if err != nil {
		t.Fatal(err)
	}
	if key, err := b.Verify([]ed25519.PublicKey{otherPub, pub}); err != nil || key != plugin.KeyID(pub) {
		t.Fatalf("signed: %q %v", key, err)
	}
	if _, err := b.Verify([]ed25519.PublicKey{otherPub}); !errors.Is(err, plugin.ErrBadSignature) {
		t.Fatalf("untrusted key: %v", err)
	}
	b.Wasm = append([]byte(nil), b.Wasm...)
	b.Wasm[len(b.Wasm)-1] ^= 1 // one flipped bit
	if _, err := b.Verify([]ed25519.PublicKey{pub}); !errors.Is(err, plugin.ErrBadSignature) {
		t.Fatalf("tampered artifact: %v", err)
	}
	unsigned, _ := plugin.Pack(manifest, wasmBytes, nil)
	u, _ := plugin.OpenBundle(unsigned)
	if key, err := u.Verify([]ed25519.PublicKey{pub}); key != "" || err != nil {
		t.Fatalf("unsigned: %q %v", key, err)
	}
}

func TestManifest_Validation(t *testing.T) {
	for name, edit := range map[string]func(map[string]any){
		"manifest.abi":           func(m map[string]any) { m["abi"] = "2.0" },
		"manifest.hooks":         func(m map[string]any) { m["hooks"] = []string{"teleport"} },
		"manifest.id":            func(m map[string]any) { m["id"] = "Bad ID!" },
		"manifest.version":       func(m map[string]any) { m["version"] = "v1" },
		"manifest.allowed_hosts": func(m map[string]any) { m["allowed_hosts"] = []string{"https://x.com/path"} },
		"manifest.config_schema": func(m map[string]any) { m["config_schema"] = map[string]any{"type": 7} },
	} {
		_, err := plugin.ParseManifest(manifestOf(t, "plugins/clickscore", edit))
		if !hasField(err, name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func hasField(err error, field string) bool {
	for _, f := range core.FieldsOf(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// notes records announcements.
type notes struct {
	mu   sync.Mutex
	seen []string
}

func (n *notes) InstallationChanged(_ context.Context, tenant core.TenantID, id string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seen = append(n.seen, string(tenant)+"/"+id)
	return nil
}

type fixture struct {
	svc   *plugin.Service
	db    *postgres.DB
	notes *notes
	key   ed25519.PrivateKey
	wasm  []byte
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := coretest.DB(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	box, _ := secret.NewBox(make([]byte, 32))
	engine, err := wasm.NewEngine(context.Background(), wasm.Config{CacheDir: wasmtest.CacheDir()}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(context.Background()) })
	n := &notes{}
	svc := plugin.NewService(plugin.Config{Store: postgres.NewPluginStore(db), Sealer: box, Notifier: n, Checker: engine,
		Trusted: []ed25519.PublicKey{pub}}, coretest.Logger())
	return fixture{svc: svc, db: db, notes: n, key: priv, wasm: wasmtest.Build(t, "plugins/clickscore")}
}

func (f fixture) bundle(t *testing.T, version string, key ed25519.PrivateKey, edit func(map[string]any)) []byte {
	t.Helper()
	b, err := plugin.Pack(manifestOf(t, "plugins/clickscore", func(m map[string]any) {
		m["version"] = version
		m["secrets"] = []string{"api_token"}
		if edit != nil {
			edit(m)
		}
	}), f.wasm, key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestService_RegistryAndInstallLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tenant, other := coretest.Tenant(t, f.db), coretest.Tenant(t, f.db)

	if _, err := f.svc.RegisterPlatform(ctx, f.bundle(t, "1.0.0", nil, nil)); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("unsigned first-party bundle accepted: %v", err)
	}
	tampered := f.bundle(t, "1.0.0", f.key, nil)
	tampered[len(tampered)/2] ^= 0x40
	if _, err := f.svc.RegisterPlatform(ctx, tampered); err == nil {
		t.Fatal("tampered bundle accepted")
	}
	v1, err := f.svc.RegisterPlatform(ctx, f.bundle(t, "1.0.0", f.key, nil))
	if err != nil || !v1.Signed {
		t.Fatalf("register v1: %+v %v", v1, err)
	}
	if _, err := f.svc.RegisterPlatform(ctx, f.bundle(t, "1.0.0", f.key, nil)); err != nil {
		t.Fatalf("re-registering the same bundle must be a no-op: %v", err)
	}
	withMax := func(m map[string]any) {
		m["config_schema"].(map[string]any)["properties"].(map[string]any)["datacenter_penalty"].(map[string]any)["maximum"] = 50
	}
	if _, err := f.svc.RegisterPlatform(ctx, f.bundle(t, "1.1.0", f.key, withMax)); err != nil {
		t.Fatal(err)
	}

	// Config validation names the field; undeclared secrets are refused.
	_, err = f.svc.Install(ctx, tenant, "affcore.clickscore", plugin.InstallRequest{Config: []byte(`{"datacenter_penalty": "lots"}`)})
	if !hasField(err, "config.datacenter_penalty") {
		t.Fatalf("bad config: %v", err)
	}
	_, err = f.svc.Install(ctx, tenant, "affcore.clickscore", plugin.InstallRequest{Secrets: map[string]string{"root_password": "x"}})
	if !hasField(err, "secrets.root_password") {
		t.Fatalf("undeclared secret: %v", err)
	}
	in, err := f.svc.Install(ctx, tenant, "affcore.clickscore", plugin.InstallRequest{Version: "1.0.0",
		Config: []byte(`{"datacenter_penalty": 80}`), Secrets: map[string]string{"api_token": "s3cret"}})
	if err != nil || in.Version.Manifest.Version != "1.0.0" || strings.Contains(string(in.SealedSecrets), "s3cret") {
		t.Fatalf("install: %+v %v", in, err)
	}
	// Upgrading to 1.1.0 re-validates the config against the new schema.
	_, err = f.svc.Install(ctx, tenant, "affcore.clickscore", plugin.InstallRequest{Version: "1.1.0", Config: []byte(`{"datacenter_penalty": 80}`)})
	if !hasField(err, "config.datacenter_penalty") {
		t.Fatalf("upgrade with a config the new schema refuses: %v", err)
	}
	up, err := f.svc.Install(ctx, tenant, "affcore.clickscore", plugin.InstallRequest{Version: "1.1.0", Config: []byte(`{"datacenter_penalty": 45}`)})
	if err != nil || up.Version.Manifest.Version != "1.1.0" || up.Revision <= in.Revision {
		t.Fatalf("upgrade: %+v %v", up, err)
	}
	rt, err := f.svc.Runtime(ctx, tenant)
	if err != nil || len(rt) != 1 || rt[0].Secrets["api_token"] != "s3cret" || rt[0].Version != "1.1.0" {
		t.Fatalf("runtime keeps secrets across upgrade: %+v %v", rt, err)
	}
	back, err := f.svc.Rollback(ctx, tenant, "affcore.clickscore")
	if err != nil || back.Version.Manifest.Version != "1.0.0" {
		t.Fatalf("rollback: %+v %v", back, err)
	}
	off, err := f.svc.SetEnabled(ctx, tenant, "affcore.clickscore", false)
	if err != nil || off.Enabled {
		t.Fatalf("disable: %v", err)
	}
	if rt, _ := f.svc.Runtime(ctx, tenant); len(rt) != 0 {
		t.Fatalf("disabled installation still served: %+v", rt)
	}
	if _, err := f.svc.Get(ctx, other, "affcore.clickscore"); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("other tenant sees the installation: %v", err)
	}
	if err := f.svc.Uninstall(ctx, tenant, "affcore.clickscore"); err != nil {
		t.Fatal(err)
	}
	if len(f.notes.seen) != 5 {
		t.Fatalf("announcements: %v", f.notes.seen)
	}
}

func TestService_TenantPrivateUploads(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, b := coretest.Tenant(t, f.db), coretest.Tenant(t, f.db)
	if _, err := f.svc.RegisterPlatform(ctx, f.bundle(t, "1.0.0", f.key, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Upload(ctx, a, f.bundle(t, "1.0.0", nil, nil)); !hasField(err, "manifest.id") {
		t.Fatalf("tenant upload shadowing a platform id: %v", err)
	}
	agency := func(m map[string]any) { m["id"] = "agency.scorer" }
	v, err := f.svc.Upload(ctx, a, f.bundle(t, "0.1.0", nil, agency))
	if err != nil || v.Signed || v.Owner != a {
		t.Fatalf("upload: %+v %v", v, err)
	}
	list, _ := f.svc.Marketplace(ctx, a)
	if len(list) != 2 {
		t.Fatalf("tenant A marketplace: %+v", list)
	}
	list, _ = f.svc.Marketplace(ctx, b)
	if len(list) != 1 || list[0].Version.Manifest.ID != "affcore.clickscore" {
		t.Fatalf("tenant B sees A's private plugin: %+v", list)
	}
	if _, err := f.svc.Install(ctx, b, "agency.scorer", plugin.InstallRequest{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("tenant B installed A's private plugin: %v", err)
	}
	if _, err := f.svc.Install(ctx, a, "agency.scorer", plugin.InstallRequest{}); err != nil {
		t.Fatal(err)
	}
	garbage := f.bundle(t, "0.2.0", nil, agency)
	if _, err := f.svc.Upload(ctx, a, append(garbage[:100:100], make([]byte, 10)...)); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("garbage bundle: %v", err)
	}
}

// TestService_ManifestKeepsPropertyOrder: the marketplace's config form
// lists properties in the order the author wrote them, so the stored
// manifest is the author's text, not a reordered document.
func TestService_ManifestKeepsPropertyOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	raw, err := os.ReadFile(wasmtest.Root(t) + "/plugins/clickscore/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := plugin.Pack(raw, f.wasm, f.key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RegisterPlatform(ctx, b); err != nil {
		t.Fatal(err)
	}
	ls, err := f.svc.Marketplace(ctx, coretest.Tenant(t, f.db))
	if err != nil || len(ls) != 1 {
		t.Fatalf("marketplace: %+v %v", ls, err)
	}
	schema := string(ls[0].Version.Manifest.ConfigSchema)
	first, second := strings.Index(schema, `"datacenter_penalty"`), strings.Index(schema, `"bot_penalty"`)
	if first < 0 || second < first {
		t.Fatalf("properties reordered: %s", schema)
	}
}
