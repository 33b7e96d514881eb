package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/geo/geotest"
	"github.com/affcore/affcore/core/pgserver"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/stats"
)

// The tracking figures of `make bench`: one run on this machine, load
// generated on loopback (bench_load_test.go).
//
//	go test -run '^$' -bench BenchmarkTrackingFigures -benchtime 1x .

const (
	benchConns    = 64
	benchDuration = 3 * time.Second
	benchUA       = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

// bareServerEnv, set to an address, makes this test binary serve only the
// bare 302 there (see TestMain): the baseline as a process of its own, like
// affcore serve.
const bareServerEnv = "AFFCORE_BENCH_BARE_302"

// bare302 is the baseline handler: net/http answering every request with a 302.
func bare302(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Location", "https://shop.example/?cid=clk_0")
	w.WriteHeader(http.StatusFound)
}

// serveBare serves bare302 on addr until the process is killed, collecting
// garbage as rarely as affcore serve does by default.
func serveBare(addr string) {
	debug.SetGCPercent(2000)
	if err := http.ListenAndServe(addr, http.HandlerFunc(bare302)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// bareProcess starts the baseline in a process of its own (this test binary
// re-run) and returns its URL: the like-for-like baseline, since affcore
// serve too is a process apart from the load generator.
func bareProcess(b *testing.B) (url string, pid int) {
	addr := freeAddrB(b)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), bareServerEnv+"="+addr)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url = "http://" + addr + "/"
	client := benchClient()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if res, err := client.Get(url); err == nil {
			res.Body.Close()
			return url, cmd.Process.Pid
		}
		if time.Now().After(deadline) {
			b.Fatalf("bare 302 server on %s did not start", addr)
		}
	}
}

// bareInProcess serves the baseline inside the load generator's process: it
// shares the generator's scheduler and so skips the wake-ups between
// processes that every real server pays; printed for comparison only.
func bareInProcess(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(bare302)}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// benchSetup prepares a database with one tenant, offer and campaign.
type benchSetup struct {
	db       *postgres.DB
	url      string
	pgDir    string // the cluster's directory
	tenant   core.TenantID
	campaign string
	token    string
}

// benchDB starts a private PostgreSQL cluster with the default (durable)
// settings, as affcore serve runs it, and returns a migrated pool on it.
// (The test harness's clusters run with fsync off, which would flatter.)
func benchDB(b *testing.B) (db *postgres.DB, url, dir string) {
	ctx := context.Background()
	tmp := b.TempDir()
	if err := os.Chmod(tmp, 0o755); err != nil { // reachable by the postgres user when root
		b.Fatal(err)
	}
	dir = filepath.Join(tmp, "pg")
	srv, err := pgserver.Start(ctx, pgserver.Config{Dir: dir, Database: "affcore"}, coretest.Logger())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Stop(context.Background()) })
	db, err = postgres.Open(ctx, postgres.Config{URL: srv.URL(), MaxConns: 16}, coretest.Logger())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	if err := db.Migrate(ctx, coretest.Logger()); err != nil {
		b.Fatal(err)
	}
	return db, srv.URL(), dir
}

func newBenchSetup(b *testing.B) *benchSetup {
	ctx := context.Background()
	db, url, dir := benchDB(b)
	s := &benchSetup{url: url, pgDir: dir}
	s.db, s.tenant = db, coretest.Tenant(b, db)
	_ = db.Pool.QueryRow(ctx, `SELECT postback_token FROM tenants WHERE id=$1`, s.tenant).Scan(&s.token)
	cat := catalog.NewService(postgres.NewCatalogStore(db), nil, core.SystemClock{})
	o, err := cat.CreateOffer(ctx, s.tenant, catalog.Offer{Name: "O", URL: "https://shop.example/?cid={click_id}&s1={sub1}&geo={country}", Payout: core.MustParseDecimal("2")})
	if err != nil {
		b.Fatal(err)
	}
	c, err := cat.CreateCampaign(ctx, s.tenant, catalog.Campaign{Name: "C", OfferID: o.ID})
	if err != nil {
		b.Fatal(err)
	}
	s.campaign = c.ID
	return s
}

func BenchmarkTrackingFigures(b *testing.B) {
	for b.Loop() {
		trackingFigures(b)
	}
}

func trackingFigures(b *testing.B) {
	loadBefore, _ := os.ReadFile("/proc/loadavg")
	// The load generator (and the bare server) collect garbage as rarely
	// as affcore serve does by default (GOGC=2000), so that their pauses
	// weigh on neither measurement.
	defer debug.SetGCPercent(debug.SetGCPercent(2000))
	// Ingest first, on its own cluster and bus: the phases below leave work
	// behind in affcore serve (clicks to ingest, commissions to book).
	ingest := ingestRate(b)
	bareURL, barePid := bareProcess(b)
	bareInURL := bareInProcess(b)

	s := newBenchSetup(b)
	addr := freeAddrB(b)
	// AFFCORE_BENCH_SERVE_ENV adds settings to affcore serve's environment
	// (e.g. "GOGC=400 AFFCORE_CLICK_PUBLISHES=2"), to compare them.
	serve := startBinaryEnv(b, filepath.Join(b.TempDir(), "data"), addr, append([]string{"DATABASE_URL=" + s.url,
		"AFFCORE_GEOIP_DB=" + geotest.CityDB(b, geotest.Places), "AFFCORE_GEOIP_ASN_DB=" + geotest.ASNDB(b, geotest.Places),
		"AFFCORE_TRUSTED_PROXIES=127.0.0.1"}, strings.Fields(os.Getenv("AFFCORE_BENCH_SERVE_ENV"))...)...)
	waitReadyB(b, addr)
	clickURL := "http://" + addr + "/api/v1/track/" + s.campaign + "?sub1=bench&gclid=abc"
	// Alternate short rounds of the two servers, so that other work on the
	// machine weighs on both alike.
	var bare, bareIn, full float64
	for range 4 {
		bare += closedLoop(bareURL, benchConns, benchDuration/4, http.StatusFound) / 4
		full += closedLoop(clickURL, benchConns, benchDuration/4, http.StatusFound) / 4
		bareIn += closedLoop(bareInURL, benchConns, benchDuration/4, http.StatusFound) / 4
	}
	settle(b, s) // latency is measured once ingest has caught up with the rounds above
	procs := benchProcs{serve: serve.Process.Pid, bare: barePid, pgDir: s.pgDir}
	half := latencyAt(b, addr, clickURL, bareURL, procs, full/2, 2*benchDuration)
	quarter := latencyAt(b, addr, clickURL, bareURL, procs, full/4, benchDuration)
	// The goal's own terms applied to the baseline: the bare 302 at half of
	// its own maximum, on this machine.
	bareHalf, _ := openLoop(bareURL, bare/2, benchDuration)
	bareHalfP50, bareHalfP99 := percentiles(bareHalf)
	visible := timeToStats(b, s, addr)
	postbacks, booked := postbackRate(b, s, addr)

	b.ReportMetric(bare, "bare_302/s")
	b.ReportMetric(full, "clicks/s")
	b.ReportMetric(full/bare, "ratio")
	b.ReportMetric(full/bareIn, "ratio_in_process_bare")
	b.ReportMetric(ms(half.p99), "p99_ms@50%")
	b.ReportMetric(ms(half.bareP99), "bare_p99_ms")
	b.ReportMetric(ingest, "ingest_clicks/s")
	b.ReportMetric(visible.Seconds(), "click_to_stats_s")
	b.ReportMetric(postbacks, "postbacks/s")
	b.ReportMetric(booked, "booked/s")
	fmt.Printf("\ntracking figures (2 cores shared, load generator on loopback, %d connections; load average before: %s)\n",
		benchConns, strings.Join(strings.Fields(string(loadBefore) + " ? ? ?")[:3], " "))
	fmt.Printf("  bare net/http 302:            %8.0f req/s (a process of its own, like affcore serve)\n", bare)
	fmt.Printf("  click redirect (full path):   %8.0f clicks/s   ratio %.2f (goal >= 0.5)\n", full, full/bare)
	fmt.Printf("    bare 302 inside the load generator's process: %.0f req/s, ratio to it %.2f\n", bareIn, full/bareIn)
	for _, l := range []struct {
		name string
		rate float64
		latency
	}{{"(goal <= 5 ms)", full / 2, half}, {"(25% of max)", full / 4, quarter}} {
		fmt.Printf("  latency at %5.0f clicks/s:    p50 %.2f ms, p99 %.2f ms %s, %d errors; handled within 5 ms: %.2f %%\n",
			l.rate, ms(l.p50), ms(l.p99), l.name, l.errs, 100*l.within5ms)
		fmt.Printf("    bare 302 at the same rate:  p50 %.2f ms, p99 %.2f ms\n", ms(l.bareP50), ms(l.bareP99))
		fmt.Printf("    CPU in cores: serve %.2f + PostgreSQL %.2f + load generator %.2f = %.2f; bare %.2f + load generator %.2f = %.2f\n",
			l.serveCPU, l.pgCPU, l.genCPU, l.serveCPU+l.pgCPU+l.genCPU, l.bareCPU, l.bareGenCPU, l.bareCPU+l.bareGenCPU)
	}
	fmt.Printf("  bare 302 at half of its own max (%5.0f req/s): p50 %.2f ms, p99 %.2f ms\n", bare/2, ms(bareHalfP50), ms(bareHalfP99))
	fmt.Printf("  ingest into PostgreSQL:       %8.0f clicks/s (goal >= 100000)\n", ingest)
	fmt.Printf("  redirect → visible in stats:  %8.3f s (worst of 10; goal <= 2 s)\n", visible.Seconds())
	fmt.Printf("  postbacks end to end:         %8.0f conversions/s (goal >= 5000)\n", postbacks)
	fmt.Printf("    commissions booked:         %8.0f conversions/s (first postback → all in the ledger's books)\n", booked)
}

func freeAddrB(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReadyB(b *testing.B, addr string) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
	}
	b.Fatalf("%s not ready", addr)
}

// statsClicks returns the setup tenant's clicks as the stats API counts them.
func statsClicks(b *testing.B, s *benchSetup) int64 {
	st := postgres.NewStatsStore(s.db)
	rows, err := stats.NewService(st, st).Query(context.Background(), s.tenant, stats.Query{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	if len(rows) == 0 {
		return 0
	}
	return rows[0].Clicks
}

// settle waits until ingest has caught up: the stats stop changing.
func settle(b *testing.B, s *benchSetup) {
	for prev := int64(-1); ; time.Sleep(200 * time.Millisecond) {
		n := statsClicks(b, s)
		if n == prev {
			return
		}
		prev = n
	}
}

// timeToStats clicks once at a time and measures, ten times, how long after
// the 302 the stats (the rollups the stats API reads) count the click.
func timeToStats(b *testing.B, s *benchSetup, addr string) time.Duration {
	settle(b, s)
	client := benchClient()
	var worst time.Duration
	for range 10 {
		before := statsClicks(b, s)
		res, err := client.Get("http://" + addr + "/api/v1/track/" + s.campaign)
		if err != nil || res.StatusCode != http.StatusFound {
			b.Fatalf("click: %v", err)
		}
		res.Body.Close()
		start := time.Now()
		for statsClicks(b, s) <= before {
			if time.Since(start) > 30*time.Second {
				b.Fatal("click never visible in stats")
			}
			time.Sleep(2 * time.Millisecond)
		}
		worst = max(worst, time.Since(start))
	}
	return worst
}

// postbackRate makes clicks, then fires one postback per click from
// benchConns workers and returns the rate of created conversions, and the
// rate at which the commission consumer booked them all.
func postbackRate(b *testing.B, s *benchSetup, addr string) (createdPerSec, bookedPerSec float64) {
	client := benchClient()
	const n = 20000
	ids := make([]string, n)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range benchConns {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				res, err := client.Post("http://"+addr+"/api/v1/track?campaign_id="+s.campaign, "", nil)
				if err != nil {
					b.Error(err)
					return
				}
				var v struct {
					ClickID string `json:"click_id"`
				}
				_ = json.NewDecoder(res.Body).Decode(&v)
				res.Body.Close()
				ids[i] = v.ClickID
			}
		})
	}
	wg.Wait()
	// Postbacks of clicks still on their way to PostgreSQL wait for ingest
	// (tested elsewhere); this measures the postback path itself.
	settle(b, s)
	var created atomic.Int64
	next.Store(0)
	start := time.Now()
	for range benchConns {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				res, err := client.Get("http://" + addr + "/api/v1/postback?token=" + s.token + "&click_id=" + ids[i] + "&payout=5&tx_id=T" + ids[i])
				if err != nil {
					continue
				}
				var v struct{ Result string }
				_ = json.NewDecoder(res.Body).Decode(&v)
				res.Body.Close()
				if v.Result == "created" {
					created.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if created.Load() != n {
		b.Errorf("%d of %d postbacks created a conversion", created.Load(), n)
	}
	createdRate := float64(created.Load()) / time.Since(start).Seconds()
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var k int64
		if err := s.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM commission_conversions WHERE tenant_id=$1`, s.tenant).Scan(&k); err != nil {
			b.Fatal(err)
		}
		if k >= n {
			return createdRate, n / time.Since(start).Seconds()
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d conversions booked in 5 minutes", k, n)
		}
	}
}

// ingestRate fills a click stream with 200,000 clicks (recorded from 64
// concurrent clicks, batched as the click path batches them), then times the
// ingest workers (2, as in serve) moving them into PostgreSQL.
func ingestRate(b *testing.B) float64 {
	ctx := context.Background()
	db, _, _ := benchDB(b)
	bus := coretest.NATS(b)
	if err := bus.EnsureStreams(ctx, event.Streams()); err != nil {
		b.Fatal(err)
	}
	const n = 200_000
	now := time.Now().UTC()
	rec := click.NewBatcher(bus, click.BatcherConfig{}) // as the click path records them
	var wg sync.WaitGroup
	for w := range benchConns {
		wg.Go(func() {
			for i := w; i < n; i += benchConns {
				at := now.Add(time.Duration(i) * time.Microsecond).Truncate(time.Millisecond)
				c := event.Click{ID: core.NewIDAt("clk", at), TenantID: "ten_bench", At: at, CampaignID: "cmp_" + fmt.Sprint(i%20),
					OfferID: "off_1", IP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), UserAgent: benchUA,
					Device: "mobile", OS: "iOS", Browser: "Safari", Country: "GB", Subs: [5]string{"bench"}, Route: "offer"}
				payload, _ := c.AppendBinary(nil)
				if err := rec.Record(ctx, c.ID, payload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	puller, err := bus.Puller(ctx, event.ClicksStream.Name, "ingest", time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	in := click.NewIngester(puller, postgres.NewClickStore(db), click.IngestConfig{Workers: 2}, coretest.Logger())
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() { in.Run(rctx); close(done) }()
	var count int64
	for deadline := time.Now().Add(5 * time.Minute); count < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d clicks ingested in 5 minutes", count, n)
		}
		if err := db.Pool.QueryRow(ctx, `SELECT coalesce(sum(clicks), 0) FROM click_stats_hourly WHERE tenant_id='ten_bench'`).Scan(&count); err != nil {
			b.Fatal(err)
		}
	}
	took := time.Since(start)
	cancel()
	<-done
	return n / took.Seconds()
}
