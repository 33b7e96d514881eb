package main

// The load generator of the tracking figures: closed and open loops over
// HTTP on loopback, latency rounds against affcore serve and the bare 302,
// and what they read from the machine (CPU per process from /proc, serve's
// own request-duration histogram from /metrics).

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
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
		out.serveCPU += after.since(before, took, procs.serve)
		out.genCPU += after.since(before, took, gen)
		out.pgCPU += after.since(before, took, pids[2:]...)
		full, out.errs = append(full, l...), out.errs+errs

		before, start = sampleCPU(procs.bare, gen), time.Now()
		l, _ = openLoop(bareURL, rate, d/3)
		after, took = sampleCPU(procs.bare, gen), 3*time.Since(start)
		out.bareCPU += after.since(before, took, procs.bare)
		out.bareGenCPU += after.since(before, took, gen)
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

// since is the CPU time pids used between prev and s (those sampled both
// times), per second of elapsed.
func (s cpuSample) since(prev cpuSample, elapsed time.Duration, pids ...int) float64 {
	var used float64
	for _, pid := range pids {
		t, ok := s[pid]
		t0, ok0 := prev[pid]
		if ok && ok0 {
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

// percentiles sorts lat and returns its median and 99th percentile.
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

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
