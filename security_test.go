package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/web"
)

// tenantFixture is tenant A's data as seen by the security test: an id per
// route prefix (for {id} parameters) and markers that must never appear in
// another caller's answers.
type tenantFixture struct {
	ids     map[string]string // "/api/v1/offers" → an offer id of tenant A
	global  map[string]bool   // prefixes whose parameter names no resource of A (e.g. a month)
	markers []string
}

// seedTenantA creates one resource of every kind for tenant A through the
// API. A new route with an {id} parameter needs a line here; the test fails
// until it has one.
func seedTenantA(ta *testApp, owner string) tenantFixture {
	f := tenantFixture{ids: map[string]string{}, global: map[string]bool{}}
	add := func(prefix, id string) {
		f.ids[prefix] = id
		f.markers = append(f.markers, id)
	}
	_, partnerID := ta.partner(owner, "seed-partner@a.test")
	add("/api/v1/partners", partnerID)
	var inv struct{ ID string }
	ta.must(201, "POST", "/api/v1/partners/invites", owner, map[string]any{"email": "seed-invite@a.test"}, &inv)
	add("/api/v1/partners/invites", inv.ID)
	var tinv struct{ ID string }
	ta.must(201, "POST", "/api/v1/team/invites", owner, map[string]string{"email": "seed-member@a.test", "role": "manager"}, &tinv)
	add("/api/v1/team/invites", tinv.ID)
	var key struct{ ID string }
	ta.must(201, "POST", "/api/v1/api-keys", owner, map[string]any{"name": "seed-key-a", "scopes": []string{"offers:read"}}, &key)
	add("/api/v1/api-keys", key.ID)
	var team struct{ Members []struct{ ID string } }
	ta.must(200, "GET", "/api/v1/team", owner, nil, &team)
	add("/api/v1/team", team.Members[0].ID)
	f.markers = append(f.markers, "seed-partner@a.test", "seed-invite@a.test", "seed-member@a.test", "seed-key-a", "seedmark=a", "seed-webhook-a", "agency-a.private", "seed-plugin-a")
	seedMoney(ta, owner, partnerID, &f, add)
	seedTracking(ta, owner, partnerID, &f, add)
	seedPostbacks(ta, owner, partnerID, add)
	seedPlugins(ta, owner, add)
	return f
}

// seedPlugins uploads a tenant-private (agency) plugin for tenant A and
// installs it: another tenant must not see, install or touch it.
func seedPlugins(ta *testApp, owner string, add func(prefix, id string)) {
	ta.uploadPlugin(owner, "examples/weekendbonus", "agency-a.private-commission", "seed-plugin-a")
	ta.must(201, "POST", "/api/v1/plugins/agency-a.private-commission/install", owner, map[string]any{"config": map[string]any{}}, nil)
	add("/api/v1/plugins", "agency-a.private-commission")
}

// seedPostbacks gives the seed partner a global postback and an override,
// sends it a test postback (a logged delivery), and adds a tenant webhook.
func seedPostbacks(ta *testApp, owner, partnerID string, add func(prefix, id string)) {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }))
	ta.t.Cleanup(receiver.Close)
	var me struct {
		TenantID string `json:"tenant_id"`
	}
	ta.must(200, "GET", "/api/v1/me", owner, nil, &me)
	partnerTok := ta.login("seed-partner@a.test", me.TenantID)
	ta.must(200, "PUT", "/api/v1/me/postback", partnerTok, map[string]any{"url": receiver.URL + "/pb?cid={click_id}&seedmark=a", "method": "GET"}, nil)
	var override, hook, delivery struct{ ID string }
	ta.must(201, "POST", "/api/v1/me/postbacks", partnerTok, map[string]any{"url": receiver.URL + "/override?seedmark=a", "offer_id": "off_seed_a"}, &override)
	add("/api/v1/me/postbacks", override.ID)
	ta.must(200, "POST", "/api/v1/me/postback/test", partnerTok, map[string]any{}, &delivery)
	add("/api/v1/postbacks/outgoing", delivery.ID)
	ta.must(201, "POST", "/api/v1/webhooks", owner, map[string]any{"url": receiver.URL + "/hook?seedmark=a", "description": "seed-webhook-a"}, &hook)
	add("/api/v1/webhooks", hook.ID)
}

// seedTracking creates tenant A's catalogue, grants an offer to the seed
// partner, and records a click and a conversion through the public paths.
func seedTracking(ta *testApp, owner, partnerID string, f *tenantFixture, add func(prefix, id string)) {
	var offer, landing, source, campaign struct{ ID string }
	ta.must(201, "POST", "/api/v1/offers", owner, map[string]any{"name": "seed-offer-a", "url": "https://shop.a.test/?c={click_id}",
		"payout": "3.30", "currency": "USD"}, &offer)
	add("/api/v1/offers", offer.ID)
	ta.must(201, "POST", "/api/v1/landings", owner, map[string]any{"name": "seed-landing-a", "url": "https://land.a.test/"}, &landing)
	add("/api/v1/landings", landing.ID)
	ta.must(201, "POST", "/api/v1/sources", owner, map[string]any{"name": "seed-source-a"}, &source)
	add("/api/v1/sources", source.ID)
	ta.must(201, "POST", "/api/v1/campaigns", owner, map[string]any{"name": "seed-campaign-a", "offer_id": offer.ID,
		"landing_id": landing.ID, "source_id": source.ID}, &campaign)
	add("/api/v1/campaigns", campaign.ID)
	ta.must(200, "PUT", "/api/v1/partners/"+partnerID+"/offers", owner, map[string]any{"offer_ids": []string{offer.ID}}, nil)
	var click struct {
		ClickID string `json:"click_id"`
	}
	ta.must(200, "POST", "/api/v1/track?campaign_id="+campaign.ID, "", map[string]any{}, &click)
	var me struct {
		PostbackToken string `json:"postback_token"`
	}
	ta.must(200, "GET", "/api/v1/me", owner, nil, &me)
	ta.must(200, "GET", "/api/v1/postback?token="+me.PostbackToken+"&click_id="+click.ClickID+"&payout=99.99&tx_id=seed-tx-a", "", nil, nil)
	f.markers = append(f.markers, "seed-offer-a", "seed-landing-a", "seed-source-a", "seed-campaign-a", "shop.a.test", click.ClickID, "seed-tx-a", "99.99")
}

// seedMoney books a commission for the seed partner through the real bus
// consumer and has the partner request a payout of it.
func seedMoney(ta *testApp, owner, partnerID string, f *tenantFixture, add func(prefix, id string)) {
	ctx := context.Background()
	var terms struct{ ID string }
	ta.must(201, "POST", "/api/v1/commission-terms", owner, map[string]any{"partner_id": partnerID, "model": "cpa",
		"params": map[string]string{"amount": "7.77", "currency": "USD"}}, &terms)
	add("/api/v1/commission-terms", terms.ID)
	ta.must(200, "PUT", "/api/v1/payout-settings", owner, map[string]any{"hold_days": 0, "min_payout": "1", "min_payout_currency": "USD"}, nil)
	var me struct {
		TenantID string `json:"tenant_id"`
	}
	ta.must(200, "GET", "/api/v1/me", owner, nil, &me)
	now := time.Now().UTC()
	for seq, st := range []string{event.StatusPending, event.StatusApproved} {
		ev := event.Conversion{TenantID: core.TenantID(me.TenantID), ConversionID: "cnv_seed_a", Seq: int64(seq + 1), ClickID: "clk_seed_a",
			CampaignID: "cmp_seed_a", OfferID: "off_seed_a", PartnerID: partnerID, Event: "sale", Status: st,
			Revenue: core.MustParseDecimal("100"), Currency: "USD", ClickedAt: now, OccurredAt: now}
		data, _ := json.Marshal(ev)
		if err := ta.in.bus.Publish(ctx, event.Subject(ev.TenantID, event.ConversionChanged), data, ev.MsgID()); err != nil {
			ta.t.Fatal(err)
		}
	}
	partnerTok := ta.login("seed-partner@a.test", me.TenantID)
	ta.must(200, "PUT", "/api/v1/me/payout-method", partnerTok, map[string]string{"kind": "crypto", "currency": "USD",
		"network": "TRC20", "address": "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"}, nil)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ta.app.money.tick(ctx) // releases the (zero-day) hold once the consumer has booked it
		var po struct{ ID string }
		if st, b := ta.call("POST", "/api/v1/me/payouts", partnerTok, map[string]any{}); st == 201 {
			_ = json.Unmarshal(b, &po)
			add("/api/v1/payouts", po.ID)
			add("/api/v1/me/payouts", po.ID)
			break
		}
		if time.Now().After(deadline) {
			ta.t.Fatal("the seed commission never became available for a payout")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var batch struct{ ID string }
	ta.must(201, "POST", "/api/v1/payout-batches", owner, map[string]any{}, &batch)
	add("/api/v1/payout-batches", batch.ID)
	f.ids["/api/v1/commission-periods"] = now.Format("2006-01")
	f.global["/api/v1/commission-periods"] = true
	// The amount as a JSON string, quotes included: bare "7.77" also occurs
	// inside timestamps such as 19:52:27.770393.
	f.markers = append(f.markers, `"7.77"`, "cnv_seed_a")
}

// login logs a partner of tenant in and returns its token.
func (ta *testApp) login(email, tenant string) string {
	ta.t.Helper()
	var out struct{ Token string }
	ta.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": "a long enough pass", "tenant": tenant}, &out)
	return out.Token
}

// route is one entry of the router's table.
type route struct{ method, pattern string }

func (r route) String() string { return r.method + " " + r.pattern }

func walkRoutes(t *testing.T, s *web.Server) []route {
	var out []route
	err := chi.Walk(s.Router(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if pattern != "/" {
			pattern = strings.TrimSuffix(pattern, "/")
		}
		out = append(out, route{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fill replaces each {param} with tenant A's id for the route prefix before
// it; ok is false when the fixture has no such id. hasParam is true when a
// parameter names a resource of tenant A.
func (f tenantFixture) fill(pattern string) (path string, hasParam, ok bool) {
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		prefix := strings.Join(segs[:i], "/")
		hasParam = hasParam || !f.global[prefix]
		id, found := f.ids[prefix]
		if !found {
			return "", true, false
		}
		segs[i] = id
	}
	return strings.Join(segs, "/"), hasParam, true
}

func denied(status int) bool { return status == 401 || status == 403 || status == 404 }

// TestSecurity_EveryRouteDeniesStrangers walks the router's route table and,
// for every authenticated route, calls it (a) without credentials, (b) as
// another tenant's owner, (c) as a partner of the same tenant, (d) with API
// keys lacking the route's scope, and asserts denial with no data leak. New
// routes are covered automatically; public routes are listed in
// web.PublicRoutes, routes open to every caller in web.AnyCallerRoutes.
func TestSecurity_EveryRouteDeniesStrangers(t *testing.T) {
	ta := newTestApp(t)
	ownerA, _ := ta.advertiser("owner@a.test")
	ownerB, _ := ta.advertiser("owner@b.test")
	fx := seedTenantA(ta, ownerA)
	partnerA, _ := ta.partner(ownerA, "walker-partner@a.test")
	keys := map[string]string{}
	for _, scope := range []string{"plugins:read", "reports:read"} {
		var k struct{ Key string }
		ta.must(201, "POST", "/api/v1/api-keys", ownerA, map[string]any{"name": "walker " + scope, "scopes": []string{scope}}, &k)
		keys[scope] = k.Key
	}
	var b []byte
	checked := 0
	for _, rt := range walkRoutes(t, ta.srvHandler()) {
		if web.PublicRoutes[rt.String()] {
			continue
		}
		path, hasParam, ok := fx.fill(rt.pattern)
		if !ok {
			t.Errorf("%s: no tenant-A id for its parameter; add one to seedTenantA", rt)
			continue
		}
		checked++
		body := map[string]any{}
		if st, b := ta.call(rt.method, path, "", body); st != 401 {
			t.Errorf("%s without credentials: %d %s; want 401", rt, st, b)
		}
		if web.AnyCallerRoutes[rt.String()] {
			continue // it concerns only the caller (and may end the caller's session)
		}
		st, b := ta.call(rt.method, path, ownerB, body)
		if hasParam && !denied(st) && !sameAsMissing(ta, rt, ownerB, body, st, b) {
			t.Errorf("%s as another tenant's owner: %d %s; want 401/403/404, or the answer a missing id gets", rt, st, b)
		}
		fx.assertNoLeak(t, rt, "another tenant's owner", b, path)
		partnerRoute := strings.HasPrefix(rt.pattern, "/api/v1/me/")
		if !partnerRoute {
			st, b := ta.call(rt.method, path, partnerA, body)
			switch {
			case web.SharedRoutes[rt.String()] && hasParam && !denied(st):
				t.Errorf("%s as another partner of the same tenant: %d %s; want 403/404", rt, st, b)
			case web.SharedRoutes[rt.String()]:
				fx.assertNoLeak(t, rt, "another partner of the same tenant", b, path)
			case !denied(st):
				t.Errorf("%s as a partner of the same tenant: %d %s; want 403/404", rt, st, b)
			}
			s1, _ := ta.call(rt.method, path, keys["plugins:read"], body)
			s2, _ := ta.call(rt.method, path, keys["reports:read"], body)
			if s1 != 403 && s2 != 403 {
				t.Errorf("%s: API keys with only plugins:read / only reports:read both got through (%d, %d); the route checks no scope", rt, s1, s2)
			}
		}
		if partnerRoute {
			if st, b := ta.call(rt.method, path, partnerA, body); hasParam && !denied(st) {
				t.Errorf("%s as another partner of the same tenant: %d %s; want 403/404", rt, st, b)
			} else {
				fx.assertNoLeak(t, rt, "another partner of the same tenant", b, path)
			}
			if st, b := ta.call(rt.method, path, keys["reports:read"], body); st != 403 {
				t.Errorf("%s (partner route) with an advertiser API key: %d %s; want 403", rt, st, b)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d authenticated routes checked", checked)
	}
	// Every identity used above was still valid at the end, so each check ran
	// as the caller it names.
	for who, tok := range map[string]string{"owner B": ownerB, "partner A": partnerA, "key plugins:read": keys["plugins:read"], "key reports:read": keys["reports:read"]} {
		if st, b := ta.call("GET", "/api/v1/me", tok, nil); st != 200 {
			t.Fatalf("%s lost its credentials during the walk: %d %s", who, st, b)
		}
	}
	// Nothing above changed tenant A's data.
	for prefix, id := range fx.ids {
		switch prefix {
		case "/api/v1/team/invites", "/api/v1/partners/invites", "/api/v1/api-keys", "/api/v1/team", "/api/v1/commission-periods", "/api/v1/me/payouts", "/api/v1/me/postbacks", "/api/v1/plugins":
			continue // no single-item GET for the owner; listed below or not an id
		}
		ta.must(200, "GET", prefix+"/"+id, ownerA, nil, nil)
	}
	b = ta.must(200, "GET", "/api/v1/payouts/"+fx.ids["/api/v1/payouts"], ownerA, nil, nil)
	if !strings.Contains(string(b), `"status":"requested"`) {
		t.Errorf("tenant A's payout changed during the walk: %s", b)
	}
	b = ta.must(200, "GET", "/api/v1/api-keys", ownerA, nil, nil)
	if strings.Contains(string(b), `"revoked_at"`) {
		t.Errorf("an API key of tenant A was revoked during the walk: %s", b)
	}
}

// sameAsMissing reports whether the route answers exactly the same for ids
// that do not exist (e.g. a validation error before any lookup): then the
// answer reveals nothing about tenant A's resource.
func sameAsMissing(ta *testApp, rt route, token string, body map[string]any, st int, b []byte) bool {
	segs := strings.Split(rt.pattern, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = "missing_00000000000000000000000000"
		}
	}
	st2, b2 := ta.call(rt.method, strings.Join(segs, "/"), token, body)
	return st == st2 && st >= 400 && withoutRequestID(b) == withoutRequestID(b2)
}

func withoutRequestID(b []byte) string {
	s := string(b)
	if i := strings.Index(s, `"request_id"`); i >= 0 {
		return s[:i]
	}
	return s
}

func (f tenantFixture) assertNoLeak(t *testing.T, rt route, who string, body []byte, path string) {
	t.Helper()
	for _, m := range f.markers {
		if strings.Contains(path, m) {
			continue // the caller sent it: an echo of the request is no leak
		}
		if strings.Contains(string(body), m) {
			t.Errorf("%s as %s leaked tenant A's %q: %s", rt, who, m, body)
		}
	}
}

// srvHandler returns the web server of the app under test.
func (ta *testApp) srvHandler() *web.Server { return ta.srv.Config.Handler.(*web.Server) }
