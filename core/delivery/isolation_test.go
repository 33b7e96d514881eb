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
// while a third receiver hangs on every request: hundreds of jobs queued or
// deferred for it, its attempts timing out and being retried all along. The
// healthy receivers must stay under twice the baseline.
func TestDelivery_HangingReceiverDoesNotSlowOthers(t *testing.T) {
	cfg := testConfig()
	cfg.Timeout = time.Second
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

	for i := range 300 { // a burst for the hanging receiver; once it is hanging, the same healthy load
		send(ph, fmt.Sprintf("hang_%d", i))
	}
	time.Sleep(1200 * time.Millisecond) // its first attempts are timing out now
	phase("load")
	e.waitStatus(t, postback.StatusDelivered, 4*perPhase, 10*time.Second)
	load := latencies(t, "load_", a, b)

	bm, lm := pct(base, 50), pct(load, 50)
	t.Logf("healthy receivers: baseline p50 %s p90 %s; beside a hanging receiver p50 %s p90 %s",
		bm, pct(base, 90), lm, pct(load, 90))
	if lm >= 2*bm {
		t.Errorf("median latency beside a hanging receiver %s ≥ 2x baseline %s", lm, bm)
	}
	// The hanging receiver really was hanging: its attempts time out, and
	// none of them succeeds.
	deadline := time.Now().Add(10 * time.Second)
	for timedOut := 0; timedOut == 0; time.Sleep(100 * time.Millisecond) {
		held, err := e.store.Deliveries(t.Context(), e.tenant, postback.Filter{PartnerID: ph, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range held {
			if strings.Contains(d.LastError, "timeout after 1s") {
				timedOut++
			}
			if d.Status == postback.StatusDelivered {
				t.Fatalf("a delivery to the hanging receiver succeeded")
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no attempt to the hanging receiver timed out within 10s (%d deliveries logged)", len(held))
		}
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
