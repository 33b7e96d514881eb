package delivery_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/plugins/postback/format"
)

// TestDelivery_ReceiverDownThenBack: the receiver refuses connections for a
// while, then comes back and sometimes applies a postback but answers 503.
// Every delivery arrives, each logical delivery takes effect once.
func TestDelivery_ReceiverDownThenBack(t *testing.T) {
	e := newEnv(t, testConfig())
	rc := newReceiver(t, func(id string, n int) int {
		if n == 1 && id[len(id)-1]%3 == 0 {
			return 503 // applied, but the answer is lost: the retry must be deduped by the receiver
		}
		return 200
	})
	addr := rc.srv.Listener.Addr().String()
	p := e.partner(t, rc.url("/pb?cid={click_id}&sum={payout}&s1={sub1}"), nil)
	rc.srv.Close() // down

	const n = 40
	for i := range n {
		e.publish(t, event.CommissionDecided, e.commission(p, fmt.Sprintf("cv_%d", i), 1, "", "pending", "1.50"))
	}
	e.waitStatus(t, postback.StatusRetrying, n, 10*time.Second)
	time.Sleep(1500 * time.Millisecond)
	listenOn(t, addr, rc) // back

	done := e.waitStatus(t, postback.StatusDelivered, n, 30*time.Second)
	hits, effects := rc.snapshot()
	if effects != n {
		t.Fatalf("receiver applied %d logical deliveries; want %d", effects, n)
	}
	if len(hits) <= n {
		t.Errorf("no retried request reached the receiver (%d requests): the 503 path was not exercised", len(hits))
	}
	for _, d := range done {
		if d.Attempts < 2 || d.LastStatusCode != 200 {
			t.Fatalf("delivery %s: %d attempts, last code %d; want ≥2 attempts (the first hit a closed port)", d.ID, d.Attempts, d.LastStatusCode)
		}
	}
	u, _ := url.Parse(hits[0].target)
	if u.Query().Get("s1") != "a&b=c" || u.Query().Get("sum") != "1.50" {
		t.Errorf("macros not filled and escaped: %s", hits[0].target)
	}
	as, err := e.store.Attempts(context.Background(), e.tenant, done[0].ID)
	if err != nil || len(as) < 2 || as[0].StatusCode != 0 || as[0].Error == "" {
		t.Errorf("attempt log = %+v, %v; want a network error logged first", as, err)
	}
}

// TestDelivery_4xxIsFinal: a 400 is not retried; the delivery fails with
// the receiver's reason.
func TestDelivery_4xxIsFinal(t *testing.T) {
	e := newEnv(t, testConfig())
	rc := newReceiver(t, func(string, int) int { return 400 })
	p := e.partner(t, rc.url("/pb?cid={click_id}"), nil)
	e.publish(t, event.CommissionDecided, e.commission(p, "cv_400", 1, "", "approved", "3.00"))
	failed := e.waitStatus(t, postback.StatusFailed, 1, 10*time.Second)
	time.Sleep(time.Second) // several retry periods
	if hits, _ := rc.snapshot(); len(hits) != 1 {
		t.Fatalf("receiver got %d requests; want exactly 1 (no retries after a 400)", len(hits))
	}
	d := failed[0]
	if d.Attempts != 1 || d.LastStatusCode != 400 || !strings.Contains(d.LastError, "HTTP 400: 400 from receiver") ||
		!strings.Contains(d.LastError, "final") {
		t.Fatalf("failed delivery = %d attempts, code %d, %q", d.Attempts, d.LastStatusCode, d.LastError)
	}

	// A manual replay sends it again with the same idempotency id.
	rc.mu.Lock()
	rc.answer = nil
	rc.mu.Unlock()
	if _, err := e.svc.Replay(context.Background(), e.tenant, d.ID); err != nil {
		t.Fatal(err)
	}
	got := e.waitStatus(t, postback.StatusDelivered, 1, 10*time.Second)[0]
	hits, effects := rc.snapshot()
	if got.ID != d.ID || got.Attempts != 2 || len(hits) != 2 || hits[1].id != d.ID || effects != 1 {
		t.Fatalf("replay: delivery %+v, %d hits, %d effects", got, len(hits), effects)
	}
}

// TestDelivery_SignedPartnerPostbackAndWebhook: a partner's signed JSON
// postback carries its commission and verifies; the tenant's webhook (from
// ConversionChanged) carries revenue; the partner never sees revenue.
func TestDelivery_SignedPartnerPostbackAndWebhook(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := context.Background()
	partnerRC, hookRC := newReceiver(t, nil), newReceiver(t, nil)
	p := e.partner(t, partnerRC.url("/pb"), func(in *postback.Input) { in.Format, in.Sign = "json", true })
	secret, err := e.svc.RotateSecret(ctx, e.tenant, postback.PartnerOwner(p))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Create(ctx, e.tenant, postback.WebhookOwner(), postback.Input{
		URL: hookRC.url("/hook?rev={revenue}&id={idempotency_id}"), Events: []string{"approved"}}); err != nil {
		t.Fatal(err)
	}
	c := e.commission(p, "cv_sig", 2, "pending", "approved", "12.00")
	e.publish(t, event.ConversionChanged, c.Conversion)
	e.publish(t, event.CommissionDecided, c)
	e.waitStatus(t, postback.StatusDelivered, 2, 10*time.Second)

	ph, _ := partnerRC.snapshot()
	h := ph[0]
	err = format.Verify([]byte(secret), h.header.Get(format.SignatureHeader), h.header.Get(format.TimestampHeader),
		h.method, h.target, h.body, time.Now(), 5*time.Minute)
	if err != nil || h.method != "POST" || !strings.Contains(string(h.body), `"payout":"12.00"`) {
		t.Fatalf("partner postback: verify %v; %s %s", err, h.method, h.body)
	}
	if strings.Contains(string(h.body), "99.99") || strings.Contains(string(h.body), "revenue") {
		t.Fatalf("partner postback reveals the advertiser's revenue: %s", h.body)
	}
	hh, _ := hookRC.snapshot()
	if !strings.Contains(hh[0].target, "rev=99.99") || hh[0].header.Get(format.SignatureHeader) != "" {
		t.Fatalf("webhook = %s %v", hh[0].target, hh[0].header)
	}
}

// TestDelivery_SaturatedReceiverDefers: with one request at a time and a
// queue of two, extra jobs are deferred (not attempted) and still all
// arrive exactly once.
func TestDelivery_SaturatedReceiverDefers(t *testing.T) {
	cfg := testConfig()
	cfg.PerReceiver, cfg.QueuePerReceiver = 1, 2
	e := newEnv(t, cfg)
	rc := newReceiver(t, func(string, int) int { time.Sleep(20 * time.Millisecond); return 204 })
	p := e.partner(t, rc.url("/pb?cid={click_id}"), nil)
	const n = 30
	for i := range n {
		e.publish(t, event.CommissionDecided, e.commission(p, fmt.Sprintf("cv_%d", i), 1, "", "pending", "1"))
	}
	done := e.waitStatus(t, postback.StatusDelivered, n, 30*time.Second)
	hits, effects := rc.snapshot()
	if len(hits) != n || effects != n {
		t.Fatalf("%d requests for %d deliveries; want each sent exactly once", len(hits), effects)
	}
	deferred := 0
	for _, d := range done {
		if d.Attempts != 1 {
			t.Errorf("delivery %s made %d attempts; want 1", d.ID, d.Attempts)
		}
		if d.Job.Deferrals > 0 {
			deferred++
		}
	}
	if deferred == 0 {
		t.Errorf("no job was deferred: the saturation path was not exercised")
	}
}

// TestService_SendTest sends a test postback without a conversion.
func TestService_SendTest(t *testing.T) {
	e := newEnv(t, testConfig())
	rc := newReceiver(t, nil)
	p := e.partner(t, rc.url("/pb?cid={click_id}&test={test}&sum={payout}&st={status}"), nil)
	d, attempts, err := e.svc.SendTest(context.Background(), e.tenant, postback.PartnerOwner(p), "", "approved")
	if err != nil {
		t.Fatal(err)
	}
	hits, _ := rc.snapshot()
	if d.Status != postback.StatusDelivered || !d.Test || len(attempts) != 1 || len(hits) != 1 ||
		!strings.Contains(hits[0].target, "test=1") || !strings.Contains(hits[0].target, "st=approved") {
		t.Fatalf("test postback: %+v %+v %v", d, attempts, hits)
	}
}
