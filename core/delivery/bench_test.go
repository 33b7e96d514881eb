package delivery_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// arrivals is a lean local receiver for benchmarks: it records when each
// idempotency id first arrived and how long after its event was published.
type arrivals struct {
	mu    sync.Mutex
	first map[string]time.Duration
	all   chan struct{}
	want  int
	srv   *httptest.Server
}

func newArrivals(b *testing.B, want int) *arrivals {
	a := &arrivals{first: make(map[string]time.Duration, want), all: make(chan struct{}), want: want}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		ns, _ := strconv.ParseInt(r.URL.Query().Get("sent"), 10, 64)
		a.mu.Lock()
		if _, seen := a.first[r.Header.Get("Idempotency-Key")]; !seen {
			a.first[r.Header.Get("Idempotency-Key")] = now.Sub(time.Unix(0, ns))
			if len(a.first) == a.want {
				close(a.all)
			}
		}
		a.mu.Unlock()
		w.WriteHeader(204)
	}))
	b.Cleanup(a.srv.Close)
	return a
}

func (a *arrivals) latencies() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]time.Duration, 0, len(a.first))
	for _, d := range a.first {
		out = append(out, d)
	}
	return out
}

// benchEnv is a delivery engine with one partner whose postback goes to a
// local receiver expecting n deliveries.
func benchEnv(b *testing.B, n int) (*env, *arrivals, string) {
	cfg := testConfig()
	cfg.Policy = postback.DefaultPolicy()
	e := newEnv(b, cfg)
	a := newArrivals(b, n)
	p := e.partner(b, a.srv.URL+"/pb?cid={click_id}&sum={payout}&sent={sub2}", nil)
	return e, a, p
}

// publishPaced publishes n commission events at rate per second (0 = as
// fast as 4 publishers can), stamping each with its publish time.
func publishPaced(b *testing.B, e *env, partner string, n, rate int) {
	const publishers = 4
	var wg sync.WaitGroup
	start := time.Now()
	for w := range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += publishers {
				if rate > 0 {
					time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
				}
				c := e.commission(partner, fmt.Sprintf("cv_%d", i), 1, "", "approved", "2.50")
				c.Conversion.Subs[1] = strconv.FormatInt(time.Now().UnixNano(), 10)
				e.publish(b, event.CommissionDecided, c)
			}
		}()
	}
	wg.Wait()
}

func wait(b *testing.B, a *arrivals, within time.Duration) {
	select {
	case <-a.all:
	case <-time.After(within):
		b.Fatalf("only %d of %d deliveries arrived within %s", len(a.latencies()), a.want, within)
	}
}

// BenchmarkDelivery_Throughput: b.N commission events, each a partner
// postback to one local receiver, published as fast as possible; reports
// deliveries per second (event publish to receipt, through JetStream, the
// worker pool, the format plugin, HTTP and the PostgreSQL log).
func BenchmarkDelivery_Throughput(b *testing.B) {
	e, a, p := benchEnv(b, b.N)
	b.ResetTimer()
	start := time.Now()
	publishPaced(b, e, p, b.N, 0)
	wait(b, a, time.Minute+time.Duration(b.N)*time.Millisecond)
	el := time.Since(start)
	b.StopTimer()
	ls := a.latencies()
	b.ReportMetric(float64(b.N)/el.Seconds(), "deliveries/s")
	b.ReportMetric(float64(pct(ls, 99).Microseconds())/1000, "p99_ms")
}

// BenchmarkDelivery_LatencyAt2000: b.N events published at 2,000 per second;
// reports the time from the commission event to the first delivery
// attempt's arrival at the receiver (p50, p99) under that load.
func BenchmarkDelivery_LatencyAt2000(b *testing.B) {
	e, a, p := benchEnv(b, b.N)
	b.ResetTimer()
	start := time.Now()
	publishPaced(b, e, p, b.N, 2000)
	wait(b, a, time.Minute)
	el := time.Since(start)
	b.StopTimer()
	ls := a.latencies()
	b.ReportMetric(float64(b.N)/el.Seconds(), "deliveries/s")
	b.ReportMetric(float64(pct(ls, 50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(pct(ls, 99).Microseconds())/1000, "p99_ms")
}
