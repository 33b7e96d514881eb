package delivery_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/delivery"
	"github.com/affcore/affcore/core/delivery/deliverytest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/plugins/postback/format"
)

func TestMain(m *testing.M) { coretest.Main(m) }

// env is a running delivery engine on a fresh database and bus.
type env struct {
	db     *postgres.DB
	bus    *natsbus.Bus
	store  *postgres.PostbackStore
	svc    *postback.Service
	tenant core.TenantID
	stop   func()
}

// testConfig retries fast so reliability tests take seconds.
func testConfig() delivery.Config {
	return delivery.Config{
		Policy:            postback.Policy{Schedule: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}, GiveUpAfter: time.Minute, Jitter: 0.2},
		Timeout:           2 * time.Second,
		SchedulerInterval: 50 * time.Millisecond,
	}
}

func newEnv(t testing.TB, cfg delivery.Config) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{db: coretest.DB(t), bus: coretest.NATS(t)}
	if err := e.bus.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	e.store = postgres.NewPostbackStore(e.db)
	e.tenant = coretest.Tenant(t, e.db)
	var sender *delivery.Sender
	e.svc, sender = deliverytest.Service(t, e.db, true, cfg.Policy, cfg.Timeout)
	runCtx, cancel := context.WithCancel(ctx)
	r, err := delivery.Start(runCtx, cfg, delivery.Deps{JS: e.bus.JS, Store: e.store, Sender: sender, Log: coretest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	e.stop = sync.OnceFunc(func() { cancel(); r.Wait() })
	t.Cleanup(e.stop) // runs before the bus and database close
	return e
}

// partner makes a partner with a global postback to url.
func (e *env) partner(t testing.TB, url string, edit func(*postback.Input)) string {
	t.Helper()
	id := coretest.Partner(t, e.db, e.tenant)
	in := postback.Input{URL: url}
	if edit != nil {
		edit(&in)
	}
	if _, err := e.svc.PutGlobal(context.Background(), e.tenant, id, in); err != nil {
		t.Fatal(err)
	}
	return id
}

// commission is the ledger's event for a conversion of partner moving to status.
func (e *env) commission(partner, conv string, seq int64, prev, status, amount string) event.Commission {
	c := event.Conversion{TenantID: e.tenant, ConversionID: conv, Seq: seq, ClickID: "clk_" + conv,
		CampaignID: "cmp_1", OfferID: "off_1", PartnerID: partner, Event: "conversion", Status: status,
		PrevStatus: prev, Revenue: core.MustParseDecimal("99.99"), Currency: "USD", TxID: "tx_" + conv,
		Subs: [5]string{"a&b=c", "", "", "", ""}, OccurredAt: time.Now().UTC()}
	return event.Commission{Conversion: c, Commission: core.MustParseDecimal(amount), Currency: "USD", Moved: true}
}

func (e *env) publish(t testing.TB, subject string, v interface{ MsgID() string }) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := e.bus.Publish(context.Background(), event.Subject(e.tenant, subject), b, v.MsgID()); err != nil {
		t.Fatal(err)
	}
}

// waitStatus polls the log until n deliveries have status, or fails.
func (e *env) waitStatus(t testing.TB, status postback.Status, n int, within time.Duration) []postback.Delivery {
	t.Helper()
	deadline := time.Now().Add(within)
	var got []postback.Delivery
	for time.Now().Before(deadline) {
		var err error
		got, err = e.store.Deliveries(context.Background(), e.tenant, postback.Filter{Status: status, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%d deliveries %s after %s; want %d", len(got), status, within, n)
	return nil
}

// hit is one request a receiver got.
type hit struct {
	id      string
	method  string
	target  string
	body    []byte
	header  http.Header
	arrived time.Time
}

// receiver is a partner's server on loopback. It dedupes by idempotency id
// the way a receiver should: effects counts each logical delivery once.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	hits    []hit
	counts  map[string]int // requests per idempotency id
	effects map[string]int
	answer  func(id string, n int) int // status for the n-th request with id (1-based)
}

func newReceiver(t testing.TB, answer func(id string, n int) int) *receiver {
	rc := &receiver{effects: map[string]int{}, counts: map[string]int{}, answer: answer}
	rc.srv = httptest.NewServer(rc)
	t.Cleanup(rc.srv.Close)
	return rc
}

// listenOn restarts a receiver on a fixed address (after it was "down").
func listenOn(t testing.TB, addr string, rc *receiver) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port was just released
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: rc}}
	rc.srv.Start()
	t.Cleanup(rc.srv.Close)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get(format.IdempotencyHeader)
	rc.mu.Lock()
	rc.hits = append(rc.hits, hit{id: id, method: r.Method, target: r.RequestURI, body: body, header: r.Header.Clone(), arrived: time.Now()})
	rc.counts[id]++
	n := rc.counts[id]
	rc.effects[id] = 1 // the effect of a logical delivery happens once, however often it arrives
	answer := rc.answer
	rc.mu.Unlock()
	code := 200
	if answer != nil {
		code = answer(id, n)
	}
	w.WriteHeader(code)
	_, _ = io.WriteString(w, strconv.Itoa(code)+" from receiver")
}

func (rc *receiver) snapshot() (hits []hit, effects int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.hits...), len(rc.effects)
}

func (rc *receiver) url(path string) string { return rc.srv.URL + path }
