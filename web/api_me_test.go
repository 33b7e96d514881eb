package web_test

import (
	"testing"

	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/web"
)

func TestMe(t *testing.T) {
	auth := staticAuth{
		"owner":   {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_1", Role: access.RoleOwner},
		"key":     {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_2", Role: access.RoleAnalyst, APIKeyID: "key_1", Scopes: []access.Scope{access.ReportsRead, access.OffersWrite}},
		"partner": {Kind: access.KindPartner, TenantID: "ten_a", PartnerID: "prt_1"},
	}
	srv := newTestServer(t, web.Deps{Auth: auth})
	for _, sc := range []scenario{
		{name: "me-401-no-token", method: "GET", url: "/api/v1/me", wantStatus: 401},
		{name: "me-401-bad-token", method: "GET", url: "/api/v1/me", token: "nope", wantStatus: 401, wantContent: []string{"invalid or expired token"}},
		{name: "me-owner", method: "GET", url: "/api/v1/me", token: "owner", wantStatus: 200, wantContent: []string{`"role":"owner"`, `"team:write"`}},
		// A key never exceeds its creator: offers:write is on the key but not in the analyst role.
		{name: "me-key-capped-by-role", method: "GET", url: "/api/v1/me", token: "key", wantStatus: 200,
			wantContent: []string{`"scopes":["reports:read"]`}, notContent: []string{"offers:write"}},
		{name: "me-partner", method: "GET", url: "/api/v1/me", token: "partner", wantStatus: 200,
			wantContent: []string{`"kind":"partner"`, `"scopes":[]`}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, srv) })
	}
	var me struct {
		Kind     string `json:"kind"`
		TenantID string `json:"tenant_id"`
	}
	decodeJSON(t, scenario{method: "GET", url: "/api/v1/me", token: "partner", wantStatus: 200}.run(t, srv), &me)
	if me.Kind != "partner" || me.TenantID != "ten_a" {
		t.Errorf("me = %+v", me)
	}
}
