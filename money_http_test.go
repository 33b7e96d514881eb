package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/web"
)

// tokenAuth authenticates fixed tokens as fixed principals (real sign-up
// and login belong to the identity area).
type tokenAuth map[string]access.Principal

func (a tokenAuth) Authenticate(_ context.Context, token, _ string) (access.Principal, error) {
	if p, ok := a[token]; ok {
		return p, nil
	}
	return access.Principal{}, core.Errorf(core.KindUnauthorized, "invalid or expired token")
}

func (a tokenAuth) Refresh(context.Context, string, string) (string, access.Principal, error) {
	return "", access.Principal{}, core.Errorf(core.KindUnauthorized, "invalid or expired token")
}

// server serves the web API with the env's money services over loopback.
func (e *moneyEnv) server(auth tokenAuth) *httptest.Server {
	srv := httptest.NewServer(web.NewServer(web.Deps{Log: coretest.Logger(), Registry: prometheus.NewRegistry(), Auth: auth,
		Ledger: e.m.ledger, Commission: e.m.commission, Payouts: e.m.payouts}))
	e.t.Cleanup(srv.Close)
	return srv
}

// call is one HTTP request and the status it must get.
type call struct {
	method, url, body, token string
	headers                  map[string]string
	want                     int
	contains                 []string
}

// do sends c and returns the body; it fails the test on another status, a
// missing substring, or an error answer that is not problem+json.
func (c call) do(t *testing.T, srv *httptest.Server) []byte {
	t.Helper()
	req, err := http.NewRequest(c.method, srv.URL+c.url, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != c.want {
		t.Fatalf("%s %s as %s: %d, want %d: %s", c.method, c.url, c.token, res.StatusCode, c.want, b)
	}
	for _, s := range c.contains {
		if !strings.Contains(string(b), s) {
			t.Fatalf("%s %s: answer lacks %q: %s", c.method, c.url, s, b)
		}
	}
	if res.StatusCode >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s: error answer is %s", c.method, c.url, res.Header.Get("Content-Type"))
	}
	return b
}

func decodeInto(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// principals returns the env's usual callers: owner, finance, analyst,
// each partner as partner<i>, and the owner of another tenant.
func (e *moneyEnv) principals() tokenAuth {
	a := tokenAuth{
		"owner":   {Kind: access.KindUser, TenantID: e.tenant, UserID: coretest.User(e.t, e.db, e.tenant, "owner"), Role: access.RoleOwner},
		"finance": {Kind: access.KindUser, TenantID: e.tenant, UserID: e.finance, Role: access.RoleFinance},
		"analyst": {Kind: access.KindUser, TenantID: e.tenant, UserID: coretest.User(e.t, e.db, e.tenant, "analyst"), Role: access.RoleAnalyst},
	}
	for i, p := range e.partners {
		a["partner"+string(rune('0'+i))] = access.Principal{Kind: access.KindPartner, TenantID: e.tenant, PartnerID: p}
	}
	other := coretest.Tenant(e.t, e.db)
	a["stranger"] = access.Principal{Kind: access.KindUser, TenantID: other, UserID: coretest.User(e.t, e.db, other, "owner"), Role: access.RoleOwner}
	return a
}

// TestMoneyHTTP_InputAndIsolation: bad input is a 400 naming the field and
// writes nothing; another tenant's ids answer 404; a partner sees only its
// own money.
func TestMoneyHTTP_InputAndIsolation(t *testing.T) {
	e := newMoneyEnv(t, 2)
	srv := e.server(e.principals())
	p0, p1 := e.partners[0], e.partners[1]
	e.terms(commissionTermsCPA("off_1", "10"))
	e.handle(e.conv("c1", 1, p0, "approved", "", "40"))
	e.handle(e.conv("c2", 1, p1, "approved", "", "0"))
	for _, c := range []call{
		{method: "POST", url: "/api/v1/commission-terms", token: "owner", body: `{"offer_id":"off_2","model":"cpa","params":{"amount":"x","currency":"USD"}}`,
			want: 400, contains: []string{`"field":"params.amount"`}},
		{method: "POST", url: "/api/v1/commission-terms", token: "owner", body: `{"offer_id":"off_2","model":"cpm"}`, want: 400, contains: []string{`"field":"model"`}},
		{method: "POST", url: "/api/v1/commission-terms", token: "owner", body: `{"model":"cpa","params":{"amount":"1","currency":"USD"}}`,
			want: 400, contains: []string{`"field":"partner_id"`}},
		{method: "POST", url: "/api/v1/commission-terms", token: "owner", body: `{"offer_id":"o","model":"cpa","params":{"amount":"1","currency":"USD"},"effective_from":"2020-01-01T00:00:00Z"}`,
			want: 400, contains: []string{`"field":"effective_from"`}},
		{method: "PUT", url: "/api/v1/me/payout-method", token: "partner0", body: `{"kind":"crypto","currency":"USDT","network":"TRC20","address":"0xabc"}`,
			want: 400, contains: []string{`"field":"address"`}},
		{method: "PUT", url: "/api/v1/me/payout-method", token: "partner0", body: `{"kind":"crypto","currency":"USDT","network":"TRC20","address":"TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL","memo":"1"}`,
			want: 400, contains: []string{`"field":"memo"`}},
		{method: "PUT", url: "/api/v1/me/payout-method", token: "partner0", body: `{"kind":"bank","currency":"EUR","details":{"account_holder":"A","iban":"DE00 1234"}}`,
			want: 400, contains: []string{`"field":"details.iban"`}},
		{method: "POST", url: "/api/v1/me/payouts", token: "partner0", body: `{}`, want: 400, contains: []string{`"field":"payout_method"`}},
		{method: "PUT", url: "/api/v1/me/payout-method", token: "partner0", body: `{"kind":"bank","currency":"USD","details":{"account_holder":"A","iban":"GB82 WEST 1234 5698 7654 32"}}`, want: 200},
		{method: "POST", url: "/api/v1/me/payouts", token: "partner0", body: `{"amount":10}`, want: 400, contains: []string{`"field":"amount"`}},
		{method: "POST", url: "/api/v1/me/payouts", token: "partner0", body: `{"amount":"5","currency":"USD"}`, want: 400, contains: []string{"exceeds the available balance of 0.00 USD"}},
		{method: "POST", url: "/api/v1/ledger/adjustments", token: "finance", body: `{"partner_id":"` + p0 + `","kind":"bonus","amount":"-5","currency":"USD","memo":"x"}`,
			want: 400, contains: []string{`"field":"amount"`}},
		{method: "POST", url: "/api/v1/fx-rates", token: "finance", body: `{"day":"2025-03-10","base":"USD","quote":"USD","rate":"0"}`,
			want: 400, contains: []string{`"field":"quote"`, `"field":"rate"`}},
		{method: "POST", url: "/api/v1/commission-periods/2999-01/close", token: "finance", want: 400, contains: []string{`"field":"period"`}},
		// Another tenant sees none of it.
		{method: "GET", url: "/api/v1/balances", token: "stranger", want: 200, contains: []string{`"items":[]`}},
		{method: "GET", url: "/api/v1/partners/" + p0 + "/payout-settings", token: "stranger", want: 404},
		{method: "PUT", url: "/api/v1/partners/" + p0 + "/payout-settings", token: "stranger", body: `{"negative_carryover":true}`, want: 404},
		{method: "GET", url: "/api/v1/partners/" + p0 + "/payout-method", token: "stranger", want: 404},
		{method: "POST", url: "/api/v1/ledger/adjustments", token: "stranger", body: `{"partner_id":"` + p0 + `","kind":"bonus","amount":"5","currency":"USD","memo":"x"}`, want: 404},
		{method: "POST", url: "/api/v1/payouts", token: "stranger", body: `{"partner_id":"` + p0 + `"}`, want: 404},
		// A partner sees only its own balances, whatever it asks for.
		{method: "GET", url: "/api/v1/balances?partner_id=" + p1, token: "partner0", want: 200, contains: []string{p0}},
	} {
		c.do(t, srv)
	}
	b := call{method: "GET", url: "/api/v1/balances?partner_id=" + p1, token: "partner0", want: 200}.do(t, srv)
	if strings.Contains(string(b), p1) {
		t.Fatalf("partner0 saw partner1's balance: %s", b)
	}
	// The advertiser sees the revenue behind a commission; the partner never does.
	call{method: "GET", url: "/api/v1/ledger?conversion_id=c1", token: "analyst", want: 200, contains: []string{`"account":"revenue"`}}.do(t, srv)
	for _, acct := range []string{"", "?account=revenue", "?account=cost"} {
		b = call{method: "GET", url: "/api/v1/me/ledger" + acct, token: "partner0", want: 200}.do(t, srv)
		if strings.Contains(string(b), `"account":"revenue"`) || strings.Contains(string(b), `"account":"cost"`) || strings.Contains(string(b), p1) {
			t.Fatalf("a partner saw the tenant's side or another partner: %s", b)
		}
	}
	// An approved payout of this tenant is a 404 for the stranger, and
	// cannot be approved twice.
	e.clock.advance(8 * 24 * time.Hour)
	if _, err := e.m.commission.ReleaseDue(e.ctx, 10); err != nil {
		t.Fatal(err)
	}
	var po struct{ ID, Status string }
	decodeInto(t, call{method: "POST", url: "/api/v1/me/payouts", token: "partner0", body: `{"amount":"4"}`, want: 201}.do(t, srv), &po)
	call{method: "GET", url: "/api/v1/payouts/" + po.ID, token: "stranger", want: 404}.do(t, srv)
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/approve", token: "stranger", want: 404}.do(t, srv)
	call{method: "GET", url: "/api/v1/me/payouts/" + po.ID, token: "partner1", want: 404}.do(t, srv)
	call{method: "POST", url: "/api/v1/me/payouts/" + po.ID + "/cancel", token: "partner1", want: 404}.do(t, srv)
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/approve", token: "finance", want: 200, contains: []string{`"status":"sending"`}}.do(t, srv)
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/approve", token: "finance", want: 409}.do(t, srv)
	call{method: "POST", url: "/api/v1/me/payouts/" + po.ID + "/cancel", token: "partner0", want: 409}.do(t, srv)
	call{method: "POST", url: "/api/v1/payouts/" + po.ID + "/mark-paid", token: "finance", body: `{}`, want: 400, contains: []string{`"field":"reference"`}}.do(t, srv)
	e.wantBalance(p0, "USD", "available=6 in_payout=4")
	e.checkLedger()
}
