package score_test

import (
	"context"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/inproc"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/clickscore/score"
)

func facts() hook.ClickInput {
	return hook.ClickInput{IP: "203.0.113.7", ASN: 16509, Country: "US", Device: "desktop",
		UserAgent:      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		AcceptLanguage: "en-US,en;q=0.9", Headers: []hook.Header{{Name: "accept", Value: "text/html"}}, IPClicks1m: 4}
}

func TestNew_BadConfig(t *testing.T) {
	if _, err := score.New([]byte(`{"bot_penalty": "high"}`)); err == nil {
		t.Fatal("bad config accepted")
	}
	s, err := score.New([]byte(`{"datacenter_penalty": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Score(facts()); got.Score != 100-5-10-10 {
		t.Fatalf("configured penalty: %+v", got)
	}
}

// BenchmarkClickScoreInProcess is the first-party scorer as the server runs
// it for the version it was built with: in process, through the dispatcher
// and the hook contract codecs.
func BenchmarkClickScoreInProcess(b *testing.B) {
	l := inproc.NewLoader()
	l.RegisterFactory("affcore.clickscore", score.Version, func(inst hosts.Installation) (inproc.Plugin, error) {
		s, err := score.New(inst.Config)
		return inproc.Plugin{abi.HookClickScore: inproc.Typed(func(_ context.Context, _ hosts.Installation, in hook.ClickInput) (hook.ClickScore, error) {
			return s.Score(in), nil
		})}, err
	})
	inst := hosts.Installation{ID: "pin_1", Tenant: "ten_1", PluginID: "affcore.clickscore", Version: score.Version, Hooks: []string{abi.HookClickScore}}
	d := hosts.NewDispatcher(hosts.DispatcherConfig{Resolver: hosts.NewStaticResolver(inst), Loader: l}, slog.New(slog.DiscardHandler))
	defer d.Close()
	h := hosts.NewHooks(d)
	h.ClickDeadline = time.Second // measure the cost, not the machine's load
	ctx := context.Background()
	_ = d.Warm(ctx, inst)
	in := facts()
	ds := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if s := h.ScoreClick(ctx, "ten_1", in); s.Score == 0 {
			b.Fatal("no score")
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(ds[len(ds)*99/100].Nanoseconds())/1e3, "p99-µs")
}
