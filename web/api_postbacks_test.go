package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/delivery/deliverytest"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/web"
)

// pbReceiver is a partner's or advertiser's server on loopback; answer
// decides the status for each request.
type pbReceiver struct {
	*httptest.Server
	mu      sync.Mutex
	targets []string
	status  int
}

func newPBReceiver(t *testing.T, status int) *pbReceiver {
	rc := &pbReceiver{status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.targets = append(rc.targets, r.RequestURI)
		code := rc.status
		rc.mu.Unlock()
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *pbReceiver) got() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.targets...)
}

// postbackWorld is two tenants with partners and team members, and API
// servers backed by real PostgreSQL: srv may reach loopback receivers,
// strict refuses private addresses like a production server.
type postbackWorld struct {
	srv, strict          *httptest.Server
	pA1, pA2, pB         string
	ok, bad              *pbReceiver
	auth                 staticAuth
	tenantA              core.TenantID
	partnerSvc, strictSv *postback.Service
}

func newPostbackWorld(t *testing.T) *postbackWorld {
	db := coretest.DB(t)
	w := &postbackWorld{ok: newPBReceiver(t, 200), bad: newPBReceiver(t, 400)}
	w.tenantA = coretest.Tenant(t, db)
	tenB := coretest.Tenant(t, db)
	w.pA1, w.pA2, w.pB = coretest.Partner(t, db, w.tenantA), coretest.Partner(t, db, w.tenantA), coretest.Partner(t, db, tenB)
	w.auth = staticAuth{
		"ownerA":    {Kind: access.KindUser, TenantID: w.tenantA, UserID: "usr_a", Role: access.RoleOwner},
		"analystA":  {Kind: access.KindUser, TenantID: w.tenantA, UserID: "usr_an", Role: access.RoleAnalyst},
		"keyA":      {Kind: access.KindUser, TenantID: w.tenantA, UserID: "usr_a", Role: access.RoleOwner, APIKeyID: "key_1", Scopes: []access.Scope{access.OffersRead}},
		"partnerA1": {Kind: access.KindPartner, TenantID: w.tenantA, PartnerID: w.pA1},
		"partnerA2": {Kind: access.KindPartner, TenantID: w.tenantA, PartnerID: w.pA2},
		"ownerB":    {Kind: access.KindUser, TenantID: tenB, UserID: "usr_b", Role: access.RoleOwner},
		"partnerB":  {Kind: access.KindPartner, TenantID: tenB, PartnerID: w.pB},
	}
	policy := postback.DefaultPolicy()
	w.partnerSvc, _ = deliverytest.Service(t, db, true, policy, 5*time.Second)
	w.strictSv, _ = deliverytest.Service(t, db, false, policy, 5*time.Second)
	w.srv = newTestServer(t, web.Deps{Auth: w.auth, Postbacks: w.partnerSvc})
	w.strict = newTestServer(t, web.Deps{Auth: w.auth, Postbacks: w.strictSv})
	return w
}

// id returns the "id" member of a JSON answer.
func id(t *testing.T, body []byte) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	decodeJSON(t, body, &v)
	if v.ID == "" {
		t.Fatalf("answer has no id: %s", body)
	}
	return v.ID
}

func TestPostbackAPI_PartnerSettings(t *testing.T) {
	w := newPostbackWorld(t)
	pbURL := w.ok.URL + "/pb?cid={click_id}&sum={payout}&token=s3cret"
	run := func(sc scenario) []byte { t.Helper(); return sc.run(t, w.srv) }
	for _, sc := range []scenario{
		{name: "get-404-none-yet", method: "GET", url: "/api/v1/me/postback", token: "partnerA1", wantStatus: 404},
		{name: "put-401", method: "PUT", url: "/api/v1/me/postback", body: `{"url":"https://x.example/"}`, wantStatus: 401},
		{name: "put-403-advertiser", method: "PUT", url: "/api/v1/me/postback", token: "ownerA", body: `{"url":"https://x.example/"}`, wantStatus: 403},
		{name: "put-400-relative", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"/pb?c={click_id}"}`,
			wantStatus: 400, wantContent: []string{`"field":"url"`, "absolute"}},
		{name: "put-400-revenue-macro", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"https://x.example/?r={revenue}"}`,
			wantStatus: 400, wantContent: []string{`"field":"url"`, "unknown macro {revenue}"}},
		{name: "put-400-json-get", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"https://x.example/","format":"json","method":"GET"}`,
			wantStatus: 400, wantContent: []string{`"field":"method"`}},
		{name: "put-400-event-and-url", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"ftp://x","events":["Bad Event!"]}`,
			wantStatus: 400, wantContent: []string{`"field":"events"`, `"field":"url"`}},
		{name: "put-400-offer-on-global", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"https://x.example/","offer_id":"off_1"}`,
			wantStatus: 400, wantContent: []string{`"field":"offer_id"`}},
		{name: "put-400-unknown-field", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"https://x.example/","nope":1}`,
			wantStatus: 400, wantContent: []string{`"field":"nope"`}},
		{name: "put-200", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"` + pbURL + `","events":["approved","Deposit"]}`,
			wantStatus: 200, wantContent: []string{`"method":"GET"`, `"format":"url"`, `"events":["approved","deposit"]`, `"has_secret":false`}, notContent: []string{`"secret"`}},
		{name: "put-200-sign-shows-secret-once", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"` + pbURL + `","sign":true}`,
			wantStatus: 200, wantContent: []string{`"secret":"pbsec_`, `"has_secret":true`, `"events":[]`}},
		{name: "get-200-no-secret", method: "GET", url: "/api/v1/me/postback", token: "partnerA1", wantStatus: 200,
			wantContent: []string{`"has_secret":true`, `"sign":true`, "token=s3cret"}, notContent: []string{"pbsec_"}},
		{name: "get-404-other-partner", method: "GET", url: "/api/v1/me/postback", token: "partnerA2", wantStatus: 404},
		{name: "rotate-secret", method: "POST", url: "/api/v1/me/postback/secret", token: "partnerA1", wantStatus: 201, wantContent: []string{`"secret":"pbsec_`}},
		{name: "override-400-no-offer", method: "POST", url: "/api/v1/me/postbacks", token: "partnerA1", body: `{"url":"https://x.example/"}`,
			wantStatus: 400, wantContent: []string{`"field":"offer_id"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { run(sc) })
	}

	ov := id(t, run(scenario{method: "POST", url: "/api/v1/me/postbacks", token: "partnerA1", wantStatus: 201,
		body: `{"offer_id":"off_1","url":"` + w.ok.URL + `/ov","format":"json","events":["approved"]}`, wantContent: []string{`"method":"POST"`}}))
	for _, sc := range []scenario{
		{name: "list", method: "GET", url: "/api/v1/me/postbacks", token: "partnerA1", wantStatus: 200, wantContent: []string{ov, `"offer_id":"off_1"`}},
		{name: "list-other-partner-empty", method: "GET", url: "/api/v1/me/postbacks", token: "partnerA2", wantStatus: 200, wantContent: []string{`"items":[]`}},
		{name: "get-override", method: "GET", url: "/api/v1/me/postbacks/" + ov, token: "partnerA1", wantStatus: 200, wantContent: []string{`"format":"json"`}},
		{name: "get-override-404-partnerA2", method: "GET", url: "/api/v1/me/postbacks/" + ov, token: "partnerA2", wantStatus: 404},
		{name: "get-override-404-partnerB", method: "GET", url: "/api/v1/me/postbacks/" + ov, token: "partnerB", wantStatus: 404},
		{name: "put-override-404-partnerA2", method: "PUT", url: "/api/v1/me/postbacks/" + ov, token: "partnerA2", body: `{"offer_id":"off_2","url":"https://x.example/"}`, wantStatus: 404},
		{name: "put-override", method: "PUT", url: "/api/v1/me/postbacks/" + ov, token: "partnerA1", body: `{"offer_id":"off_2","url":"` + w.ok.URL + `/ov2","enabled":false}`,
			wantStatus: 200, wantContent: []string{`"offer_id":"off_2"`, `"enabled":false`}},
		{name: "delete-override-404-partnerB", method: "DELETE", url: "/api/v1/me/postbacks/" + ov, token: "partnerB", wantStatus: 404},
		{name: "advertiser-view-redacted", method: "GET", url: "/api/v1/partners/" + w.pA1 + "/postbacks", token: "analystA", wantStatus: 200,
			wantContent: []string{"token=redacted", "{click_id}"}, notContent: []string{"s3cret", "pbsec_"}},
		{name: "advertiser-view-404-other-tenant", method: "GET", url: "/api/v1/partners/" + w.pA1 + "/postbacks", token: "ownerB", wantStatus: 404},
		{name: "advertiser-view-403-partner", method: "GET", url: "/api/v1/partners/" + w.pA1 + "/postbacks", token: "partnerA1", wantStatus: 403},
		{name: "advertiser-view-403-key-scope", method: "GET", url: "/api/v1/partners/" + w.pA1 + "/postbacks", token: "keyA", wantStatus: 403},
		{name: "delete-override", method: "DELETE", url: "/api/v1/me/postbacks/" + ov, token: "partnerA1", wantStatus: 204},
		{name: "delete-override-gone", method: "DELETE", url: "/api/v1/me/postbacks/" + ov, token: "partnerA1", wantStatus: 404},
	} {
		t.Run(sc.name, func(t *testing.T) { run(sc) })
	}
}

func TestPostbackAPI_RefusesPrivateTargets(t *testing.T) {
	w := newPostbackWorld(t)
	for _, sc := range []scenario{
		{name: "loopback", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"http://127.0.0.1:8080/pb"}`,
			wantStatus: 400, wantContent: []string{`"field":"url"`, "private, loopback"}},
		{name: "localhost", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"http://localhost/pb"}`, wantStatus: 400},
		{name: "metadata", method: "POST", url: "/api/v1/webhooks", token: "ownerA", body: `{"url":"http://169.254.169.254/latest"}`, wantStatus: 400},
		{name: "private-v6", method: "POST", url: "/api/v1/webhooks", token: "ownerA", body: `{"url":"http://[fd00::1]/h"}`, wantStatus: 400},
		{name: "public-ok", method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", body: `{"url":"http://93.184.215.14/pb?c={click_id}"}`, wantStatus: 200},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, w.strict) })
	}
}

func TestPostbackAPI_WebhooksAndLog(t *testing.T) {
	w := newPostbackWorld(t)
	run := func(sc scenario) []byte { t.Helper(); return sc.run(t, w.srv) }
	run(scenario{method: "PUT", url: "/api/v1/me/postback", token: "partnerA1", wantStatus: 200,
		body: `{"url":"` + w.ok.URL + `/pb?cid={click_id}&sum={payout}&test={test}"}`})
	run(scenario{method: "PUT", url: "/api/v1/me/postback", token: "partnerA2", wantStatus: 200,
		body: `{"url":"` + w.bad.URL + `/pb?cid={click_id}"}`})
	hook := id(t, run(scenario{method: "POST", url: "/api/v1/webhooks", token: "ownerA", wantStatus: 201,
		body: `{"url":"` + w.ok.URL + `/hook?rev={revenue}","format":"json","description":"crm"}`}))

	for _, sc := range []scenario{
		{name: "hook-400-payout-macro", method: "POST", url: "/api/v1/webhooks", token: "ownerA", body: `{"url":"https://x.example/?p={payout}"}`,
			wantStatus: 400, wantContent: []string{"unknown macro {payout}"}},
		{name: "hook-403-analyst", method: "POST", url: "/api/v1/webhooks", token: "analystA", body: `{"url":"https://x.example/"}`, wantStatus: 403},
		{name: "hook-403-partner", method: "GET", url: "/api/v1/webhooks", token: "partnerA1", wantStatus: 403},
		{name: "hook-403-key", method: "GET", url: "/api/v1/webhooks", token: "keyA", wantStatus: 403},
		{name: "hook-list", method: "GET", url: "/api/v1/webhooks", token: "ownerA", wantStatus: 200, wantContent: []string{hook, `"description":"crm"`}},
		{name: "hook-get-404-other-tenant", method: "GET", url: "/api/v1/webhooks/" + hook, token: "ownerB", wantStatus: 404},
		{name: "hook-put-404-other-tenant", method: "PUT", url: "/api/v1/webhooks/" + hook, token: "ownerB", body: `{"url":"https://x.example/"}`, wantStatus: 404},
		{name: "hook-test-404-other-tenant", method: "POST", url: "/api/v1/webhooks/" + hook + "/test", token: "ownerB", wantStatus: 404},
		{name: "hook-secret", method: "POST", url: "/api/v1/webhooks/secret", token: "ownerA", wantStatus: 201, wantContent: []string{"pbsec_"}},
	} {
		t.Run(sc.name, func(t *testing.T) { run(sc) })
	}

	// Deliveries: a partner test, an advertiser test for a partner, a webhook test, a failing one.
	p1 := id(t, run(scenario{method: "POST", url: "/api/v1/me/postback/test", token: "partnerA1", wantStatus: 200,
		wantContent: []string{`"status":"delivered"`, `"test":true`, `"attempt_log":[{"attempt":1`, `"status_code":200`}}))
	run(scenario{method: "POST", url: "/api/v1/partners/" + w.pA1 + "/postback/test", token: "ownerA", body: `{"event":"rejected"}`, wantStatus: 200})
	run(scenario{method: "POST", url: "/api/v1/partners/" + w.pA1 + "/postback/test", token: "ownerB", wantStatus: 404})
	run(scenario{method: "POST", url: "/api/v1/partners/" + w.pA1 + "/postback/test", token: "analystA", wantStatus: 403})
	wh := id(t, run(scenario{method: "POST", url: "/api/v1/webhooks/" + hook + "/test", token: "ownerA", wantStatus: 200,
		wantContent: []string{`"kind":"webhook"`, `"status":"delivered"`}}))
	failed := id(t, run(scenario{method: "POST", url: "/api/v1/me/postback/test", token: "partnerA2", wantStatus: 200,
		wantContent: []string{`"status":"failed"`, "HTTP 400: answer 400", `"response_excerpt":"answer 400"`}}))
	if got := w.ok.got(); len(got) != 3 || !strings.Contains(got[0], "test=1") || !strings.Contains(got[1], "sum=1.00") {
		t.Fatalf("receiver got %v", got)
	}

	for _, sc := range []scenario{
		{name: "log-owner-all", method: "GET", url: "/api/v1/postbacks/outgoing", token: "ownerA", wantStatus: 200, wantContent: []string{p1, wh, failed}},
		{name: "log-analyst", method: "GET", url: "/api/v1/postbacks/outgoing?kind=webhook", token: "analystA", wantStatus: 200, wantContent: []string{wh}, notContent: []string{p1}},
		{name: "log-partner-own-only", method: "GET", url: "/api/v1/postbacks/outgoing", token: "partnerA1", wantStatus: 200,
			wantContent: []string{p1}, notContent: []string{wh, failed, "webhook", "rev=", "10.00"}},
		{name: "log-partner-cannot-widen", method: "GET", url: "/api/v1/postbacks/outgoing?partner_id=" + w.pA2 + "&kind=webhook", token: "partnerA1", wantStatus: 200,
			notContent: []string{wh, failed}},
		{name: "log-other-tenant-empty", method: "GET", url: "/api/v1/postbacks/outgoing", token: "ownerB", wantStatus: 200, wantContent: []string{`"items":[]`}},
		{name: "log-403-key", method: "GET", url: "/api/v1/postbacks/outgoing", token: "keyA", wantStatus: 403},
		{name: "log-filter-status", method: "GET", url: "/api/v1/postbacks/outgoing?status=failed", token: "ownerA", wantStatus: 200, wantContent: []string{failed}, notContent: []string{p1}},
		{name: "log-400-status", method: "GET", url: "/api/v1/postbacks/outgoing?status=lost", token: "ownerA", wantStatus: 400, wantContent: []string{`"field":"status"`}},
		{name: "log-400-limit", method: "GET", url: "/api/v1/postbacks/outgoing?limit=0", token: "ownerA", wantStatus: 400, wantContent: []string{`"field":"limit"`}},
		{name: "log-400-from", method: "GET", url: "/api/v1/postbacks/outgoing?from=yesterday", token: "ownerA", wantStatus: 400, wantContent: []string{`"field":"from"`}},
		{name: "log-400-cursor", method: "GET", url: "/api/v1/postbacks/outgoing?cursor=zzz", token: "ownerA", wantStatus: 400, wantContent: []string{`"field":"cursor"`}},
		{name: "get-owner", method: "GET", url: "/api/v1/postbacks/outgoing/" + wh, token: "ownerA", wantStatus: 200, wantContent: []string{`"attempt_log"`, "rev=10.00"}},
		{name: "get-404-partner-webhook", method: "GET", url: "/api/v1/postbacks/outgoing/" + wh, token: "partnerA1", wantStatus: 404},
		{name: "get-404-other-partner", method: "GET", url: "/api/v1/postbacks/outgoing/" + p1, token: "partnerA2", wantStatus: 404},
		{name: "get-404-other-tenant", method: "GET", url: "/api/v1/postbacks/outgoing/" + p1, token: "ownerB", wantStatus: 404},
		{name: "get-partner-own", method: "GET", url: "/api/v1/postbacks/outgoing/" + p1, token: "partnerA1", wantStatus: 200, wantContent: []string{"sum=1.00"}},
		{name: "replay-403-partner", method: "POST", url: "/api/v1/postbacks/outgoing/" + failed + "/replay", token: "partnerA2", wantStatus: 403},
		{name: "replay-403-analyst", method: "POST", url: "/api/v1/postbacks/outgoing/" + failed + "/replay", token: "analystA", wantStatus: 403},
		{name: "replay-404-other-tenant", method: "POST", url: "/api/v1/postbacks/outgoing/" + failed + "/replay", token: "ownerB", wantStatus: 404},
		{name: "replay-202", method: "POST", url: "/api/v1/postbacks/outgoing/" + failed + "/replay", token: "ownerA", wantStatus: 202,
			wantContent: []string{`"status":"retrying"`, "replay requested"}},
		{name: "replay-409-pending", method: "POST", url: "/api/v1/postbacks/outgoing/" + failed + "/replay", token: "ownerA", wantStatus: 409},
	} {
		t.Run(sc.name, func(t *testing.T) { run(sc) })
	}

	// Pagination walks every delivery exactly once.
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 10; page++ {
		var res struct {
			Items      []struct{ ID string }
			NextCursor string `json:"next_cursor"`
		}
		decodeJSON(t, run(scenario{method: "GET", url: "/api/v1/postbacks/outgoing?limit=1&cursor=" + cursor, token: "ownerA", wantStatus: 200}), &res)
		for _, it := range res.Items {
			if seen[it.ID] {
				t.Fatalf("delivery %s on two pages", it.ID)
			}
			seen[it.ID] = true
		}
		if cursor = res.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 4 {
		t.Fatalf("pagination saw %d deliveries; want 4", len(seen))
	}
}

func TestPostbackAPI_Unconfigured503(t *testing.T) {
	srv := newTestServer(t, web.Deps{Auth: staticAuth{"p": {Kind: access.KindPartner, TenantID: "ten_a", PartnerID: "prt_1"}}})
	scenario{method: "GET", url: "/api/v1/me/postback", token: "p", wantStatus: 503}.run(t, srv)
}
