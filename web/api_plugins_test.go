package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"testing"

	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/web"
)

func pluginBundle(t *testing.T, id, version string, key ed25519.PrivateKey) []byte {
	t.Helper()
	raw, err := os.ReadFile(wasmtest.Root(t) + "/plugins/clickscore/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	m["id"], m["version"], m["secrets"] = id, version, []string{"api_token"}
	manifest, _ := json.Marshal(m)
	b, err := plugin.Pack(manifest, wasmtest.Build(t, "plugins/clickscore"), key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPluginsAPI(t *testing.T) {
	db := coretest.DB(t)
	tenant, other := coretest.Tenant(t, db), coretest.Tenant(t, db)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	box, _ := secret.NewBox(bytes.Repeat([]byte{7}, 32))
	svc := plugin.NewService(plugin.Config{Store: postgres.NewPluginStore(db), Sealer: box, Trusted: []ed25519.PublicKey{pub}}, coretest.Logger())
	ctx := context.Background()
	for _, v := range []string{"1.0.0", "1.1.0"} {
		if _, err := svc.RegisterPlatform(ctx, pluginBundle(t, "affcore.clickscore", v, priv)); err != nil {
			t.Fatal(err)
		}
	}
	logs := hosts.NewLogBook(10, slog.New(slog.DiscardHandler))
	auth := staticAuth{
		"owner":    {Kind: access.KindUser, TenantID: tenant, UserID: "usr_1", Role: access.RoleOwner},
		"analyst":  {Kind: access.KindUser, TenantID: tenant, UserID: "usr_2", Role: access.RoleAnalyst},
		"key-read": {Kind: access.KindUser, TenantID: tenant, UserID: "usr_1", Role: access.RoleOwner, APIKeyID: "key_1", Scopes: []access.Scope{access.PluginsRead}},
		"partner":  {Kind: access.KindPartner, TenantID: tenant, PartnerID: "prt_1"},
		"stranger": {Kind: access.KindUser, TenantID: other, UserID: "usr_9", Role: access.RoleOwner},
	}
	srv := newTestServer(t, web.Deps{Auth: auth, Plugins: svc, PluginLogs: logs})
	upload := func(token string, body []byte, want int) []byte {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/plugins", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/octet-stream")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		if res.StatusCode != want {
			t.Fatalf("upload: %d %s", res.StatusCode, buf.String())
		}
		return buf.Bytes()
	}
	upload("owner", pluginBundle(t, "agency.scorer", "0.1.0", nil), 201)
	tampered := pluginBundle(t, "agency.signed", "0.1.0", priv)
	tampered[len(tampered)-2000] ^= 1
	upload("owner", tampered, 400)
	upload("analyst", pluginBundle(t, "agency.x", "0.1.0", nil), 403)

	for _, sc := range []scenario{
		{name: "marketplace", method: "GET", url: "/api/v1/marketplace", token: "owner", wantStatus: 200,
			wantContent: []string{`"id":"affcore.clickscore"`, `"version":"1.1.0"`, `"signed":true`, `"config_schema":{`, `"id":"agency.scorer"`, `"private":true`}},
		{name: "marketplace-other-tenant", method: "GET", url: "/api/v1/marketplace", token: "stranger", wantStatus: 200,
			wantContent: []string{`"affcore.clickscore"`}, notContent: []string{"agency.scorer"}},
		{name: "marketplace-partner-403", method: "GET", url: "/api/v1/marketplace", token: "partner", wantStatus: 403},
		{name: "install-bad-config-400", method: "POST", url: "/api/v1/plugins/affcore.clickscore/install", token: "owner",
			body: `{"config": {"datacenter_penalty": 500}}`, wantStatus: 400, wantContent: []string{`"field":"config.datacenter_penalty"`}},
		{name: "install-undeclared-secret-400", method: "POST", url: "/api/v1/plugins/affcore.clickscore/install", token: "owner",
			body: `{"secrets": {"password": "x"}}`, wantStatus: 400, wantContent: []string{`"field":"secrets.password"`}},
		{name: "install-unknown-404", method: "POST", url: "/api/v1/plugins/nope.nope/install", token: "owner", body: `{}`, wantStatus: 404},
		{name: "install-key-without-write-403", method: "POST", url: "/api/v1/plugins/affcore.clickscore/install", token: "key-read", body: `{}`, wantStatus: 403},
		{name: "install", method: "POST", url: "/api/v1/plugins/affcore.clickscore/install", token: "owner",
			body: `{"version": "1.0.0", "config": {"datacenter_penalty": 55}, "secrets": {"api_token": "tok-123"}}`, wantStatus: 201,
			wantContent: []string{`"version":"1.0.0"`, `"secrets":["api_token"]`, `"datacenter_penalty":55`}, notContent: []string{"tok-123"}},
		{name: "reconfigure", method: "POST", url: "/api/v1/plugins/affcore.clickscore/install", token: "owner",
			body: `{"version": "1.0.0", "config": {"datacenter_penalty": 60}}`, wantStatus: 200, wantContent: []string{`"secrets":["api_token"]`}},
		{name: "installed", method: "GET", url: "/api/v1/plugins/installed", token: "key-read", wantStatus: 200,
			wantContent: []string{`"id":"affcore.clickscore"`, `"enabled":true`}, notContent: []string{"tok-123"}},
		{name: "installed-other-tenant-empty", method: "GET", url: "/api/v1/plugins/installed", token: "stranger", wantStatus: 200,
			wantContent: []string{`"items":[]`}},
		{name: "upgrade", method: "POST", url: "/api/v1/plugins/affcore.clickscore/upgrade", token: "owner", wantStatus: 200,
			wantContent: []string{`"version":"1.1.0"`, `"previous_version":"1.0.0"`, `"datacenter_penalty":60`}},
		{name: "installed-shows-previous", method: "GET", url: "/api/v1/plugins/installed", token: "owner", wantStatus: 200,
			wantContent: []string{`"version":"1.1.0"`, `"previous_version":"1.0.0"`}},
		{name: "rollback", method: "POST", url: "/api/v1/plugins/affcore.clickscore/rollback", token: "owner", wantStatus: 200,
			wantContent: []string{`"version":"1.0.0"`, `"previous_version":"1.1.0"`}},
		{name: "disable", method: "POST", url: "/api/v1/plugins/affcore.clickscore/disable", token: "owner", wantStatus: 200, wantContent: []string{`"enabled":false`}},
		{name: "disable-other-tenant-404", method: "POST", url: "/api/v1/plugins/affcore.clickscore/disable", token: "stranger", wantStatus: 404},
		{name: "enable", method: "POST", url: "/api/v1/plugins/affcore.clickscore/enable", token: "owner", wantStatus: 200, wantContent: []string{`"enabled":true`}},
		{name: "logs", method: "GET", url: "/api/v1/plugins/affcore.clickscore/logs?errors=1", token: "owner", wantStatus: 200, wantContent: []string{`"items":[`}},
		{name: "logs-other-tenant-404", method: "GET", url: "/api/v1/plugins/affcore.clickscore/logs", token: "stranger", wantStatus: 404},
		{name: "delete-other-tenant-404", method: "DELETE", url: "/api/v1/plugins/affcore.clickscore", token: "stranger", wantStatus: 404},
		{name: "delete-analyst-403", method: "DELETE", url: "/api/v1/plugins/affcore.clickscore", token: "analyst", wantStatus: 403},
		{name: "delete", method: "DELETE", url: "/api/v1/plugins/affcore.clickscore", token: "owner", wantStatus: 204},
		{name: "delete-again-404", method: "DELETE", url: "/api/v1/plugins/affcore.clickscore", token: "owner", wantStatus: 404},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, srv) })
	}
}

func TestPluginsAPI_Unconfigured(t *testing.T) {
	srv := newTestServer(t, web.Deps{Auth: staticAuth{"owner": {Kind: access.KindUser, TenantID: "ten_a", Role: access.RoleOwner}}})
	scenario{method: "GET", url: "/api/v1/marketplace", token: "owner", wantStatus: 503}.run(t, srv)
}
