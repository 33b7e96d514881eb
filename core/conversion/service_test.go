package conversion_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/useragent"
)

func TestMain(m *testing.M) { coretest.Main(m) }

// env is a tenant with one campaign, the click path and the postback service
// on a real database and bus.
type env struct {
	db       *postgres.DB
	bus      *natsbus.Bus
	tenant   core.TenantID
	token    string
	campaign string
	tracker  *click.Tracker
	ingest   *click.Ingester
	svc      *conversion.Service
}

// newEnv returns an env whose click ingest runs in the background.
func newEnv(t *testing.T) *env {
	e := newEnvPaused(t)
	e.startIngest(t)
	return e
}

// newEnvPaused returns an env whose clicks stay in the stream until the
// test starts ingest.
func newEnvPaused(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{db: coretest.DB(t), bus: coretest.NATS(t)}
	if err := e.bus.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	e.tenant = coretest.Tenant(t, e.db)
	if err := e.db.Pool.QueryRow(ctx, `SELECT postback_token FROM tenants WHERE id=$1`, e.tenant).Scan(&e.token); err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewService(postgres.NewCatalogStore(e.db), nil, core.SystemClock{})
	o, err := cat.CreateOffer(ctx, e.tenant, catalog.Offer{Name: "O", URL: "https://shop.example/?c={click_id}", Payout: core.MustParseDecimal("4")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := cat.CreateCampaign(ctx, e.tenant, catalog.Campaign{Name: "C", OfferID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	e.campaign = c.ID
	clicks := postgres.NewClickStore(e.db)
	routes := click.NewRoutes(clicks, core.SystemClock{}, time.Hour, coretest.Logger())
	if err := routes.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	e.tracker = click.NewTracker(click.TrackerConfig{Routes: routes, Signer: click.NewSigner(make([]byte, 32)), UA: useragent.New(16), Recorder: click.NewBatcher(e.bus, click.BatcherConfig{}), Clock: core.SystemClock{}})
	puller, err := e.bus.Puller(ctx, event.ClicksStream.Name, "ingest", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e.ingest = click.NewIngester(puller, clicks, click.IngestConfig{Workers: 1, MaxWait: 20 * time.Millisecond}, coretest.Logger())
	store := postgres.NewConversionStore(e.db)
	e.svc = conversion.NewService(store, store, click.NewFinder(clicks, e.bus, 3*time.Second), e.bus, core.SystemClock{}, coretest.Logger())
	return e
}

func (e *env) clickB(t testing.TB) string { return e.clickUA(t, "") }

func (e *env) click(t *testing.T, ua string) string { return e.clickUA(t, ua) }

func (e *env) clickUA(t testing.TB, ua string) string {
	t.Helper()
	res, err := e.tracker.Track(context.Background(), click.Request{CampaignID: e.campaign, UserAgent: ua, IP: netip.MustParseAddr("81.2.69.160")})
	if err != nil {
		t.Fatal(err)
	}
	return res.ClickID
}

// startIngest runs click ingest until the test ends.
func (e *env) startIngest(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.ingest.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// drain waits until ingest has emptied the click stream.
func (e *env) drain(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.bus.WaitDrained(ctx, event.ClicksStream.Name); err != nil {
		t.Fatalf("clicks not ingested: %v", err)
	}
}

func (e *env) postback(query string, ip string) (conversion.Outcome, error) {
	v, _ := url.ParseQuery(query)
	if !v.Has("token") {
		v.Set("token", e.token)
	}
	return e.svc.Receive(context.Background(), conversion.Incoming{Values: v, Method: "GET", IP: netip.MustParseAddr(ip)})
}

// events returns the ConversionChanged events on the bus.
func (e *env) events(t *testing.T) []event.Conversion {
	t.Helper()
	ctx := context.Background()
	cons, err := e.bus.JS.OrderedConsumer(ctx, event.EventsStream.Name, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []event.Conversion
	for {
		m, err := cons.Next(jetstream.FetchMaxWait(300 * time.Millisecond))
		if err != nil {
			return out
		}
		var ev event.Conversion
		if err := json.Unmarshal(m.Data(), &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
}

func TestReceive_BeforeIngestThenTransitions(t *testing.T) {
	e := newEnvPaused(t)
	id := e.click(t, "Mozilla/5.0 (compatible; Googlebot/2.1)")
	// The click is only in the stream: the postback waits for ingest.
	type answer struct {
		out conversion.Outcome
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		out, err := e.postback("click_id="+id+"&payout=12.5&status=pending&tx_id=T1", "198.51.100.7")
		answered <- answer{out, err}
	}()
	select {
	case a := <-answered:
		t.Fatalf("answered before the click was ingested: %+v, %v", a.out, a.err)
	case <-time.After(200 * time.Millisecond):
	}
	e.startIngest(t)
	a := <-answered
	out, err := a.out, a.err
	if err != nil || out.Result != conversion.ResultCreated {
		t.Fatalf("postback before ingest: %+v, %v", out, err)
	}
	steps := []struct{ query, want string }{
		{"click_id=" + id + "&payout=12.5&status=pending&tx_id=T1", conversion.ResultDuplicate},
		{"click_id=" + id + "&status=approved&tx_id=T1", conversion.ResultUpdated},
		{"click_id=" + id + "&status=approved&tx_id=T1", conversion.ResultDuplicate},
	}
	for _, st := range steps {
		got, err := e.postback(st.query, "198.51.100.7")
		if err != nil || got.Result != st.want || got.ConversionID != out.ConversionID {
			t.Fatalf("%s: %+v, %v; want %s of %s", st.query, got, err, st.want, out.ConversionID)
		}
	}
	rctx, cancel := context.WithCancel(context.Background())
	go e.svc.RunRelay(rctx, time.Minute) // marks the acknowledged transitions published
	time.Sleep(300 * time.Millisecond)
	cancel()
	evs := e.events(t)
	if len(evs) != 2 || evs[0].Seq != 1 || evs[0].Status != "pending" || evs[1].Seq != 2 || evs[1].PrevStatus != "pending" ||
		evs[1].Status != "approved" || evs[1].Revenue.String() != "12.50" || !evs[1].Fraud || evs[1].CampaignID != e.campaign {
		t.Fatalf("events = %+v", evs)
	}
	var unpublished int
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM conversion_transitions WHERE published_at IS NULL`).Scan(&unpublished)
	if unpublished != 0 {
		t.Fatalf("%d transitions not marked published", unpublished)
	}
}

// Without ingest, a postback for a click still in the stream is refused as
// "retry later", never as an unknown click, and nothing is created.
func TestReceive_IngestStalledAsksForRetry(t *testing.T) {
	e := newEnvPaused(t)
	id := e.click(t, "")
	_, err := e.postback("click_id="+id+"&payout=3&tx_id=S1", "198.51.100.7")
	if core.KindOf(err) != core.KindUnavailable {
		t.Fatalf("err = %v; want unavailable", err)
	}
	var n int
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM conversions`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d conversions; want none", n)
	}
	e.startIngest(t)
	if out, err := e.postback("click_id="+id+"&payout=3&tx_id=S1", "198.51.100.7"); err != nil || out.Result != conversion.ResultCreated {
		t.Fatalf("retried postback: %+v, %v", out, err)
	}
}

func TestReceive_DuplicateTxIDConcurrent(t *testing.T) {
	e := newEnv(t)
	id := e.click(t, "")
	e.drain(t)
	var wg sync.WaitGroup
	results := make(chan string, 20)
	for range 20 {
		wg.Go(func() {
			out, err := e.postback("click_id="+id+"&payout=1&tx_id=SAME", "198.51.100.7")
			if err != nil {
				t.Error(err)
			}
			results <- out.Result
		})
	}
	wg.Wait()
	close(results)
	created := 0
	for r := range results {
		if r == conversion.ResultCreated {
			created++
		}
	}
	var n int
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM conversions`).Scan(&n)
	if created != 1 || n != 1 {
		t.Fatalf("created %d times, %d rows; want exactly one conversion", created, n)
	}
	// Without tx_id the click + event is the key.
	a, _ := e.postback("click_id="+id+"&event=lead", "198.51.100.7")
	b, _ := e.postback("click_id="+id+"&event=lead", "198.51.100.7")
	if a.Result != conversion.ResultCreated || b.Result != conversion.ResultDuplicate || a.ConversionID != b.ConversionID {
		t.Fatalf("event dedupe: %+v %+v", a, b)
	}
}

func TestReceive_RefusalsAreLogged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.click(t, "")
	if _, err := e.db.Pool.Exec(ctx, `UPDATE tenants SET postback_ip_allow='{198.51.100.0/24}' WHERE id=$1`, e.tenant); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query, ip string
		kind      core.Kind
		logged    string
	}{
		{"token=wrong&click_id=" + id, "198.51.100.7", core.KindUnauthorized, ""},
		{"click_id=" + id, "203.0.113.9", core.KindForbidden, conversion.ResultForbiddenIP},
		{"click_id=" + id + "&payout=x", "198.51.100.7", core.KindInvalid, conversion.ResultInvalid},
		{"click_id=" + core.NewID("clk"), "198.51.100.7", core.KindNotFound, conversion.ResultUnknownClick},
		{"click_id=garbage", "198.51.100.7", core.KindNotFound, conversion.ResultUnknownClick},
	}
	for _, tc := range cases {
		if _, err := e.postback(tc.query, tc.ip); core.KindOf(err) != tc.kind {
			t.Fatalf("%s from %s: %v; want %s", tc.query, tc.ip, err, tc.kind)
		}
	}
	out, err := e.postback("click_id="+id+"&payout=5&test=1", "198.51.100.7")
	if err != nil || out.Result != conversion.ResultCreated {
		t.Fatal(out, err)
	}
	log, err := e.svc.Postbacks(ctx, e.tenant, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	// Newest first (ids order by millisecond; entries of the same millisecond in any order).
	want := map[string]int{conversion.ResultCreated: 1, conversion.ResultUnknownClick: 2, conversion.ResultInvalid: 1, conversion.ResultForbiddenIP: 1}
	got := map[string]int{}
	for i, l := range log {
		got[l.Result]++
		if i > 0 && l.ID > log[i-1].ID {
			t.Errorf("log not newest first: %s after %s", l.ID, log[i-1].ID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("log results %v; want %v", got, want)
	}
	convs, _ := e.svc.Conversions(ctx, e.tenant, conversion.ListQuery{})
	if len(convs) != 1 || !convs[0].Test || convs[0].Payout.String() != "4.00" {
		t.Fatalf("conversions = %+v", convs)
	}
}

func TestRelay_RepublishesUnacknowledged(t *testing.T) {
	e := newEnv(t)
	id := e.click(t, "")
	if _, err := e.postback("click_id="+id+"&tx_id=R", "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// As if the process died between commit and publish.
	if _, err := e.db.Pool.Exec(ctx, `UPDATE conversion_transitions SET published_at=NULL, created_at=now()-interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	go e.svc.RunRelay(rctx, 50*time.Millisecond)
	defer cancel()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var n int
		_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM conversion_transitions WHERE published_at IS NULL`).Scan(&n)
		if n == 0 {
			if evs := e.events(t); len(evs) != 1 { // the bus de-duplicated the republished transition
				t.Fatalf("%d events; want 1", len(evs))
			}
			return
		}
	}
	t.Fatal("relay did not republish")
}

// BenchmarkReceive is the postback path without HTTP: token, validation,
// attribution (clicks in PostgreSQL), the conversion statement and the
// event publish, from 64 concurrent senders.
func BenchmarkReceive(b *testing.B) {
	e := newEnvPaused(b)
	e.startIngest(b)
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = e.clickB(b)
	}
	e.drain(b)
	var n atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			v := url.Values{"token": {e.token}, "click_id": {ids[int(i)%len(ids)]}, "tx_id": {fmt.Sprint("tx-", i)}, "payout": {"5"}}
			if _, err := e.svc.Receive(context.Background(), conversion.Incoming{Values: v, Method: "GET", IP: netip.MustParseAddr("198.51.100.7")}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "postbacks/s")
}
