package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

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
// generated on loopback by this file.
//
//	go test -run '^$' -bench BenchmarkTrackingFigures -benchtime 1x .

const (
	benchConns    = 64
	benchDuration = 3 * time.Second
	benchUA       = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

func benchClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: benchConns * 2, MaxConnsPerHost: benchConns * 2, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

// closedLoop sends requests from conns workers for d and returns the rate of
// answers with status want (per second).
func closedLoop(url string, conns int, d time.Duration, want int) float64 {
	client := benchClient()
	var n atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("User-Agent", benchUA)
			for time.Now().Before(stop) {
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				res.Body.Close()
				if res.StatusCode == want {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds()
}

// openLoop sends rate requests per second for d on a fixed schedule and
// returns each request's latency, measured from its scheduled time (so a
// stall counts against every request it delayed), and the failures. The
// first half second warms the connections up and is not returned.
func openLoop(url string, rate float64, d time.Duration) (lat []time.Duration, errs int) {
	client := benchClient()
	warm := int(rate / 2)
	total := warm + int(rate*d.Seconds())
	lat = make([]time.Duration, total)
	start := time.Now().Add(50 * time.Millisecond)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range benchConns * 2 {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("User-Agent", benchUA)
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				at := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
				time.Sleep(time.Until(at))
				res, err := client.Do(req)
				if err != nil || res.StatusCode != http.StatusFound {
					failed.Add(1)
				}
				if err == nil {
					res.Body.Close()
				}
				lat[i] = time.Since(at)
			}
		})
	}
	wg.Wait()
	return lat[warm:], int(failed.Load())
}

// latency is the outcome of alternating open-loop rounds against affcore
// serve and the bare 302 at one rate: percentiles over all rounds' requests.
type latency struct {
	p50, p99, bareP50, bareP99 time.Duration
	errs                       int
	// within5ms is the share of these clicks that affcore serve's own
	// histogram (affcore_http_request_duration_seconds) counts as handled
	// within 5 ms: the rest of a request's time is spent outside the handler
	// (sockets, scheduling, the load generator).
	within5ms float64
	// CPU the processes used during the rounds, in cores: affcore serve,
	// its PostgreSQL and the load generator; the bare 302 and the load
	// generator during its rounds.
	serveCPU, pgCPU, genCPU, bareCPU, bareGenCPU float64
}

// benchProcs are the processes whose CPU the latency rounds measure.
type benchProcs struct {
	serve, bare int
	pgDir       string // the PostgreSQL cluster of affcore serve
}

// latencyAt runs three alternating rounds of d against clickURL and bareURL
// at rate, so that other work on the machine weighs on both alike.
func latencyAt(b *testing.B, addr, clickURL, bareURL string, procs benchProcs, rate float64, d time.Duration) latency {
	var full, bare []time.Duration
	var out latency
	gen := os.Getpid()
	handled := clickHistogram(b, addr)
	for range 3 { // each round adds a third of its CPU rate (used ÷ 3 × its time)
		pids := append([]int{procs.serve, gen}, postgresPids(procs.pgDir)...)
		before, start := sampleCPU(pids...), time.Now()
		l, errs := openLoop(clickURL, rate, d/3)
		after, took := sampleCPU(pids...), 3*time.Since(start)
		out.serveCPU += sampleOf(after, procs.serve).since(before, took)
		out.genCPU += sampleOf(after, gen).since(before, took)
		out.pgCPU += sampleOf(after, pids[2:]...).since(before, took)
		full, out.errs = append(full, l...), out.errs+errs

		before, start = sampleCPU(procs.bare, gen), time.Now()
		l, _ = openLoop(bareURL, rate, d/3)
		after, took = sampleCPU(procs.bare, gen), 3*time.Since(start)
		out.bareCPU += sampleOf(after, procs.bare).since(before, took)
		out.bareGenCPU += sampleOf(after, gen).since(before, took)
		bare = append(bare, l...)
	}
	now := clickHistogram(b, addr)
	if n := now[math.Inf(1)] - handled[math.Inf(1)]; n > 0 {
		out.within5ms = float64(now[0.005]-handled[0.005]) / float64(n)
	}
	out.p50, out.p99 = percentiles(full)
	out.bareP50, out.bareP99 = percentiles(bare)
	return out
}

// cpuSample is the CPU time (user + system, seconds) processes had used at
// one moment, by pid, from /proc/<pid>/stat.
type cpuSample map[int]float64

func sampleCPU(pids ...int) cpuSample {
	const ticksPerSecond = 100 // USER_HZ on Linux
	out := cpuSample{}
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command name "(…)": state is the first, utime the 12th, stime the 13th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			out[pid] = float64(u+s) / ticksPerSecond
		}
	}
	return out
}

// sampleOf is the part of s for pids.
func sampleOf(s cpuSample, pids ...int) cpuSample {
	out := cpuSample{}
	for _, pid := range pids {
		if t, ok := s[pid]; ok {
			out[pid] = t
		}
	}
	return out
}

// since is the CPU time used between prev and s by the processes sampled
// both times, per second of elapsed.
func (s cpuSample) since(prev cpuSample, elapsed time.Duration) float64 {
	var used float64
	for pid, t := range s {
		if t0, ok := prev[pid]; ok {
			used += t - t0
		}
	}
	return used / elapsed.Seconds()
}

// postgresPids returns the postmaster of the cluster in dir and its
// children (the backends and background processes).
func postgresPids(dir string) []int {
	pidFile, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return nil
	}
	first, _, _ := strings.Cut(string(pidFile), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return nil
	}
	pids := []int{pid}
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, c := range strings.Fields(string(children)) {
		if n, err := strconv.Atoi(c); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}

func percentiles(lat []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100]
}

// clickHistogram reads affcore serve's request duration histogram of the
// click route: cumulative counts by upper bound (seconds).
func clickHistogram(b *testing.B, addr string) map[float64]uint64 {
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		b.Fatalf("metrics: %v", err)
	}
	out := map[float64]uint64{}
	for _, m := range families["affcore_http_request_duration_seconds"].GetMetric() {
		if !slices.ContainsFunc(m.GetLabel(), func(l *dto.LabelPair) bool {
			return l.GetName() == "route" && l.GetValue() == "/api/v1/track/{campaign_id}"
		}) {
			continue
		}
		h := m.GetHistogram()
		for _, bk := range h.GetBucket() {
			out[bk.GetUpperBound()] = bk.GetCumulativeCount()
		}
		out[math.Inf(1)] = h.GetSampleCount()
	}
	return out
}

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

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
