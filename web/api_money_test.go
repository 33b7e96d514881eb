package web_test

import (
	"strings"
	"testing"

	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/web"
)

// TestMoneyRoutes_Access checks who may call each ledger-and-payouts route
// (the services are left out, so an allowed call answers 503): partners
// only their /me routes and the shared read/request routes, analysts read,
// finance approves, API keys only with their scope. The routes' behaviour
// with real services is tested end to end in the root package.
func TestMoneyRoutes_Access(t *testing.T) {
	auth := staticAuth{
		"owner":    {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_o", Role: access.RoleOwner},
		"finance":  {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_f", Role: access.RoleFinance},
		"analyst":  {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_a", Role: access.RoleAnalyst},
		"manager":  {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_m", Role: access.RoleManager},
		"partner":  {Kind: access.KindPartner, TenantID: "ten_a", PartnerID: "prt_1"},
		"readkey":  {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_o", Role: access.RoleOwner, APIKeyID: "key_r", Scopes: []access.Scope{access.PayoutsRead}},
		"otherkey": {Kind: access.KindUser, TenantID: "ten_a", UserID: "usr_o", Role: access.RoleOwner, APIKeyID: "key_x", Scopes: []access.Scope{access.OffersRead}},
	}
	srv := newTestServer(t, web.Deps{Auth: auth})
	type row struct {
		method, url, body string
		allowed           []string // tokens that get through (503); every other token is refused (403)
	}
	rows := []row{
		{"GET", "/api/v1/balances", "", []string{"owner", "finance", "analyst", "manager", "partner", "readkey"}},
		{"GET", "/api/v1/ledger", "", []string{"owner", "finance", "analyst", "manager", "partner", "readkey"}},
		{"POST", "/api/v1/ledger/adjustments", "{}", []string{"owner", "finance"}},
		{"GET", "/api/v1/ledger/reconciliation", "", []string{"owner", "finance", "analyst", "manager", "readkey"}},
		{"GET", "/api/v1/payouts", "", []string{"owner", "finance", "analyst", "manager", "partner", "readkey"}},
		{"POST", "/api/v1/payouts", "{}", []string{"owner", "finance", "partner"}},
		{"GET", "/api/v1/payouts/pay_1", "", []string{"owner", "finance", "analyst", "manager", "partner", "readkey"}},
		{"POST", "/api/v1/payouts/pay_1/cancel", "", []string{"owner", "finance", "partner"}},
		{"POST", "/api/v1/payouts/pay_1/approve", "", []string{"owner", "finance"}},
		{"POST", "/api/v1/payouts/pay_1/mark-paid", "{}", []string{"owner", "finance"}},
		{"POST", "/api/v1/payouts/pay_1/mark-failed", "{}", []string{"owner", "finance"}},
		{"GET", "/api/v1/payout-batches", "", []string{"owner", "finance", "analyst", "manager", "readkey"}},
		{"POST", "/api/v1/payout-batches", "{}", []string{"owner", "finance"}},
		{"POST", "/api/v1/payout-batches/pbat_1/approve", "", []string{"owner", "finance"}},
		{"PUT", "/api/v1/payout-settings", "{}", []string{"owner", "finance"}},
		{"PUT", "/api/v1/partners/prt_1/payout-settings", "{}", []string{"owner", "manager"}},
		{"GET", "/api/v1/partners/prt_1/payout-method", "", []string{"owner", "finance", "analyst", "manager", "readkey"}},
		{"POST", "/api/v1/commission-terms", "{}", []string{"owner", "manager"}},
		{"DELETE", "/api/v1/commission-terms/trm_1", "", []string{"owner", "manager"}},
		{"GET", "/api/v1/commission-terms", "", []string{"owner", "finance", "analyst", "manager"}},
		{"POST", "/api/v1/commission-periods/2025-01/close", "", []string{"owner", "finance"}},
		{"POST", "/api/v1/fx-rates", "{}", []string{"owner", "finance"}},
		{"GET", "/api/v1/me/balances", "", []string{"partner"}},
		{"POST", "/api/v1/me/payouts", "{}", []string{"partner"}},
		{"PUT", "/api/v1/me/payout-method", "{}", []string{"partner"}},
	}
	tokens := []string{"owner", "finance", "analyst", "manager", "partner", "readkey", "otherkey"}
	for _, rw := range rows {
		for _, tok := range tokens {
			want := 403
			for _, a := range rw.allowed {
				if a == tok {
					want = 503
				}
			}
			name := rw.method + " " + rw.url + " as " + tok
			t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
				scenario{method: rw.method, url: rw.url, body: rw.body, token: tok, wantStatus: want}.run(t, srv)
			})
		}
		scenario{method: rw.method, url: rw.url, body: rw.body, wantStatus: 401}.run(t, srv)
	}
}
