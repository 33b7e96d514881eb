package delivery_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// TestDelivery_HangingReceiverDoesNotSlowOthers measures two healthy
// receivers' latency (event published → request received) alone, then
// while a third receiver hangs on every request with hundreds of jobs
// queued for it. The healthy receivers must stay under twice the baseline.
func TestDelivery_HangingReceiverDoesNotSlowOthers(t *testing.T) {
	cfg := testConfig()
	cfg.Timeout = 2 * time.Second
	e := newEnv(t, cfg)
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // never answers: the client gives up at its timeout
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hanging.Close)
	t.Cleanup(func() { close(release) })
	a, b := newReceiver(t, nil), newReceiver(t, nil)
	tmpl := "/pb?cid={click_id}&sent={sub2}"
	pa, pb, ph := e.partner(t, a.url(tmpl), nil), e.partner(t, b.url(tmpl), nil), e.partner(t, hanging.URL+tmpl, nil)

	send := func(partner, conv string) {
		c := e.commission(partner, conv, 1, "", "pending", "1")
		c.Conversion.Subs[1] = strconv.FormatInt(time.Now().UnixNano(), 10)
		e.publish(t, event.CommissionDecided, c)
	}
	const perPhase = 60
	phase := func(name string) {
		for i := range perPhase {
			send(pa, fmt.Sprintf("%s_a_%d", name, i))
			send(pb, fmt.Sprintf("%s_b_%d", name, i))
			time.Sleep(15 * time.Millisecond)
		}
	}
	phase("base")
	e.waitStatus(t, postback.StatusDelivered, 2*perPhase, 10*time.Second)
	base := latencies(t, "base_", a, b)

	for i := range 300 { // a burst for the hanging receiver, then the same healthy load
		send(ph, fmt.Sprintf("hang_%d", i))
	}
	phase("load")
	e.waitStatus(t, postback.StatusDelivered, 4*perPhase, 10*time.Second)
	load := latencies(t, "load_", a, b)

	bm, lm := pct(base, 50), pct(load, 50)
	t.Logf("healthy receivers: baseline p50 %s p90 %s; beside a hanging receiver p50 %s p90 %s",
		bm, pct(base, 90), lm, pct(load, 90))
	if lm >= 2*bm {
		t.Errorf("median latency beside a hanging receiver %s ≥ 2x baseline %s", lm, bm)
	}
	// The hanging receiver really was hanging: its attempts time out.
	var held []postback.Delivery
	for deadline := time.Now().Add(10 * time.Second); len(held) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		var err error
		if held, err = e.store.Deliveries(t.Context(), e.tenant, postback.Filter{PartnerID: ph, Limit: 1000}); err != nil {
			t.Fatal(err)
		}
	}
	timedOut := 0
	for _, d := range held {
		if strings.Contains(d.LastError, "timeout") {
			timedOut++
		}
		if d.Status == postback.StatusDelivered {
			t.Fatalf("a delivery to the hanging receiver succeeded")
		}
	}
	if timedOut == 0 {
		t.Errorf("no attempt to the hanging receiver timed out yet")
	}
}

// latencies returns publish-to-arrival times of the requests whose click id
// starts with clk_<prefix>.
func latencies(t *testing.T, prefix string, rcs ...*receiver) []time.Duration {
	t.Helper()
	var out []time.Duration
	for _, rc := range rcs {
		hits, _ := rc.snapshot()
		for _, h := range hits {
			u, _ := url.Parse(h.target)
			if !strings.HasPrefix(u.Query().Get("cid"), "clk_"+prefix) {
				continue
			}
			ns, err := strconv.ParseInt(u.Query().Get("sent"), 10, 64)
			if err != nil {
				t.Fatalf("request without a send time: %s", h.target)
			}
			out = append(out, h.arrived.Sub(time.Unix(0, ns)))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no requests for %s", prefix)
	}
	return out
}

// pct returns the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}
