package wasm_test

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/wasm"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// harness is an engine plus a dispatcher and plugin log, as in production.
type harness struct {
	t      *testing.T
	engine *wasm.Engine
	res    *hosts.StaticResolver
	disp   *hosts.Dispatcher
	book   *hosts.LogBook
}

func newHarness(t *testing.T, o wasmtest.Options) *harness {
	t.Helper()
	book := hosts.NewLogBook(100, slog.New(slog.DiscardHandler))
	e, err := wasm.NewEngine(context.Background(), wasm.Config{Logs: book, KV: o.KV, AllowPrivate: o.AllowPrivate, Limits: o.Limits,
		CacheDir: wasmtest.CacheDir()}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	res := hosts.NewStaticResolver()
	d := hosts.NewDispatcher(hosts.DispatcherConfig{Resolver: res, Loader: e, Logs: book, Limits: o.Limits}, slog.New(slog.DiscardHandler))
	t.Cleanup(d.Close)
	return &harness{t: t, engine: e, res: res, disp: d, book: book}
}

// install builds dir and installs it for the options' tenant; it returns the
// installation (already loaded).
func (h *harness) install(dir string, o wasmtest.Options, others ...hosts.Installation) hosts.Installation {
	h.t.Helper()
	inst := wasmtest.Installation(o, wasmtest.Build(h.t, dir))
	h.res.Set(append(others, inst)...)
	_ = h.disp.Warm(context.Background(), inst)
	return inst
}

func (h *harness) logText(inst hosts.Installation) string {
	var sb strings.Builder
	for _, e := range h.book.Recent(inst.Tenant, inst.ID, slog.LevelDebug) {
		sb.WriteString(e.Message + "\n")
	}
	return sb.String()
}

// patient widens the click deadline so that limits other than time (memory,
// stack, output) are what stops a plugin; production's 5 ms would stop
// these plugins first, with a timeout.
func patient(c hosts.Class) hosts.Limits {
	l := hosts.DefaultLimits(c)
	l.Timeout = 2 * time.Second
	return l
}

func TestHostilePlugins(t *testing.T) {
	click := []string{abi.HookClickScore}
	cases := []struct {
		name     string
		dir      string
		opts     wasmtest.Options
		hook     string
		in       hook.Encoder
		wantCode string
		wantLog  string
	}{
		{name: "infinite loop", dir: "loop", opts: wasmtest.Options{Hooks: click}, hook: abi.HookClickScore,
			in: hook.ClickInput{}, wantCode: abi.HostTimeout, wantLog: "deadline"},
		{name: "memory bomb", dir: "membomb", opts: wasmtest.Options{Hooks: click, Limits: patient}, hook: abi.HookClickScore,
			in: hook.ClickInput{}, wantCode: abi.HostTrap, wantLog: "out of memory"},
		{name: "deep recursion", dir: "recursion", opts: wasmtest.Options{Hooks: click, Limits: patient}, hook: abi.HookClickScore,
			in: hook.ClickInput{}, wantCode: abi.HostTrap, wantLog: "runtime.newstack"},
		{name: "giant output", dir: "giantoutput", opts: wasmtest.Options{Hooks: click, Limits: patient}, hook: abi.HookClickScore,
			in: hook.ClickInput{}, wantCode: abi.HostOutputLimit, wantLog: "exceeds the limit"},
		{name: "panic", dir: "panicker", opts: wasmtest.Options{Hooks: []string{abi.HookCommission}}, hook: abi.HookCommission,
			in: hook.CommissionInput{}, wantCode: abi.CodePanic, wantLog: "index out of range"},
		{name: "unlisted host", dir: "netspy", opts: wasmtest.Options{Hooks: []string{abi.HookPayout}, AllowedHosts: []string{"api.binance.com"}},
			hook: abi.HookPayout, in: hook.PayoutInput{Payout: hook.Payout{Address: "https://example.com/steal"}},
			wantCode: abi.CodeRejected, wantLog: "host example.com is not in the manifest's allowed hosts"},
		{name: "plain http", dir: "netspy", opts: wasmtest.Options{Hooks: []string{abi.HookPayout}, AllowedHosts: []string{"api.binance.com"}},
			hook: abi.HookPayout, in: hook.PayoutInput{Payout: hook.Payout{Address: "http://api.binance.com/x"}},
			wantCode: abi.CodeRejected, wantLog: "is not https"},
		{name: "private address", dir: "netspy", opts: wasmtest.Options{Hooks: []string{abi.HookPayout}, AllowedHosts: []string{"127.0.0.1:*", "localhost:*"}},
			hook: abi.HookPayout, in: hook.PayoutInput{Payout: hook.Payout{Address: "https://127.0.0.1:9/admin"}},
			wantCode: abi.CodeRejected, wantLog: "private, loopback"},
		{name: "private range", dir: "netspy", opts: wasmtest.Options{Hooks: []string{abi.HookPayout}, AllowedHosts: []string{"10.1.2.3"}},
			hook: abi.HookPayout, in: hook.PayoutInput{Payout: hook.Payout{Address: "https://10.1.2.3/internal"}},
			wantCode: abi.CodeRejected, wantLog: "private, loopback"},
		{name: "network from the click path", dir: "netspy", opts: wasmtest.Options{Hooks: []string{abi.HookPayout}, AllowedHosts: []string{"api.binance.com"},
			Limits: func(c hosts.Class) hosts.Limits { l := hosts.DefaultLimits(c); l.HTTPRequests = 0; return l }},
			hook: abi.HookPayout, in: hook.PayoutInput{Payout: hook.Payout{Address: "https://api.binance.com/x"}},
			wantCode: abi.CodeRejected, wantLog: "no network access"},
		{name: "undeclared secret", dir: "secretspy", opts: wasmtest.Options{Hooks: []string{abi.HookPayout},
			Secrets: map[string]string{"api_key": "k", "admin_token": "root"}, SecretNames: []string{"api_key"}},
			hook: abi.HookPayout, in: hook.PayoutInput{Payout: hook.Payout{Memo: "admin_token"}},
			wantCode: abi.CodeRejected, wantLog: `secret "admin_token" denied`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.opts)
			c.opts.PluginID = "hostile." + c.dir
			inst := h.install("hosts/wasm/testdata/"+c.dir, c.opts)
			_, err := h.disp.Call(context.Background(), inst.Tenant, c.hook, c.in.AppendMsg(nil))
			var ce *hosts.CallError
			if !errors.As(err, &ce) || ce.Code != c.wantCode {
				t.Fatalf("error %v, want code %s", err, c.wantCode)
			}
			if log := h.logText(inst); !strings.Contains(log, c.wantLog) {
				t.Errorf("plugin log lacks %q:\n%s", c.wantLog, log)
			}
			assertDiscarded(t, h, inst)
		})
	}
}

// assertDiscarded checks through a fresh load of the same installation
// that the failing instance did not go back to the pool.
func assertDiscarded(t *testing.T, h *harness, inst hosts.Installation) {
	t.Helper()
	p, err := h.engine.Load(context.Background(), inst)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	_, _ = p.Call(context.Background(), inst.Hooks[0], hook.PayoutInput{Payout: hook.Payout{Address: "https://example.com/", Memo: "admin_token"}}.AppendMsg(nil))
	st, _ := wasm.StatsOf(p)
	if st.Discarded != 1 || st.Idle != 0 {
		t.Fatalf("instance kept after a hostile call: %+v", st)
	}
}

func TestHostile_OtherTenantsKV(t *testing.T) {
	kv := hosts.NewMemoryKV()
	h := newHarness(t, wasmtest.Options{KV: kv})
	hooks := []string{abi.HookCommission}
	a := wasmtest.Installation(wasmtest.Options{Tenant: "ten_a", PluginID: "spy", Hooks: hooks, Config: `{"mark":"tenant A"}`}, wasmtest.Build(t, "hosts/wasm/testdata/kvspy"))
	b := wasmtest.Installation(wasmtest.Options{Tenant: "ten_b", PluginID: "spy", Hooks: hooks, Config: `{"mark":"tenant B"}`}, a.Artifact)
	h.res.Set(a, b)
	call := func(tenant string, key string) string {
		res, err := hosts.NewHooks(h.disp).Commission(context.Background(), hostsTenant(tenant), hook.CommissionInput{Conversion: hook.Conversion{ID: key}})
		if err != nil {
			t.Fatalf("%s: %v", tenant, err)
		}
		return res.Amounts[0].Memo
	}
	for _, key := range []string{"shared", "*", ">", "../ten_a/shared", "ten_a.spy.shared"} {
		if got := call("ten_a", key); got != "nothing" {
			t.Fatalf("first read of %q: %q", key, got)
		}
		if got := call("ten_b", key); got != "nothing" {
			t.Fatalf("tenant B read tenant A's %q: %q", key, got)
		}
		if got := call("ten_a", key); got != "tenant A" {
			t.Fatalf("tenant A lost its own %q: %q", key, got)
		}
	}
}

func TestHostile_RefusedBinaries(t *testing.T) {
	h := newHarness(t, wasmtest.Options{})
	component := []byte("\x00asm\x0d\x00\x01\x00\x07\x10\x01\x40\x00\x00")
	if err := h.engine.Compile(context.Background(), component, []string{abi.HookClickScore}); err == nil || !strings.Contains(err.Error(), "component model") {
		t.Fatalf("component: %v", err)
	}
	inst := h.install("hosts/wasm/testdata/otherabi", wasmtest.Options{PluginID: "future", Hooks: []string{abi.HookClickScore}})
	_, err := h.disp.Call(context.Background(), inst.Tenant, abi.HookClickScore, hook.ClickInput{}.AppendMsg(nil))
	var ce *hosts.CallError
	if !errors.As(err, &ce) || ce.Code != abi.HostLoadFailed {
		t.Fatalf("other ABI: %v", err)
	}
	if log := h.logText(inst); !strings.Contains(log, "built for another plugin ABI (imports affcore_v2.log)") {
		t.Fatalf("plugin log: %s", log)
	}
	if err := h.engine.Compile(context.Background(), []byte("MZ\x90\x00 not wasm"), nil); err == nil || !strings.Contains(err.Error(), "not a WebAssembly binary") {
		t.Fatalf("garbage: %v", err)
	}
}

// TestHostile_NeighbourUnaffected hammers one tenant's looping plugin
// without pause (bypassing the breaker, which would otherwise stop the attack
// after five timeouts) while
// another tenant's calls are timed: the neighbour keeps succeeding, and its
// median latency stays within a small factor of its median when alone.
func TestHostile_NeighbourUnaffected(t *testing.T) {
	// A roomier deadline than production's 5 ms keeps this test about
	// relative speed on a shared machine, not about absolute latency.
	limits := func(c hosts.Class) hosts.Limits {
		l := hosts.DefaultLimits(c)
		l.Timeout = 100 * time.Millisecond
		return l
	}
	h := newHarness(t, wasmtest.Options{Limits: limits})
	click := []string{abi.HookClickScore}
	good := wasmtest.Installation(wasmtest.Options{Tenant: "ten_good", PluginID: "noop", Hooks: click}, wasmtest.Build(t, "hosts/wasm/testdata/noop"))
	evil := wasmtest.Installation(wasmtest.Options{Tenant: "ten_evil", PluginID: "loop", Hooks: click}, wasmtest.Build(t, "hosts/wasm/testdata/loop"))
	h.res.Set(good)
	ctx := context.Background()
	_ = h.disp.Warm(ctx, good)
	attacker, err := h.engine.Load(ctx, evil)
	if err != nil {
		t.Fatal(err)
	}
	defer attacker.Close(ctx)
	in := hook.ClickInput{BuiltinScore: 77}.AppendMsg(nil)
	measure := func(n int, until func() bool) time.Duration {
		ds := make([]time.Duration, 0, n)
		for i := 0; i < n || !until(); i++ {
			start := time.Now()
			out, err := h.disp.Call(ctx, "ten_good", abi.HookClickScore, in)
			ds = append(ds, time.Since(start))
			var s hook.ClickScore
			if err != nil || s.UnmarshalMsg(out) != nil || s.Score != 77 {
				t.Fatalf("neighbour call failed: %v", err)
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	calls := 2000
	if raceEnabled {
		calls = 300
	}
	alone := measure(calls, func() bool { return true })
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var evilCalls, contained int
	for g := 0; g < 1; g++ { // one spinning guest holds one of the two cores for its whole deadline
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := attacker.Call(ctx, abi.HookClickScore, in)
				var ce *hosts.CallError
				mu.Lock()
				evilCalls++
				if errors.As(err, &ce) && (ce.Code == abi.HostTimeout || ce.Code == abi.HostBusy) {
					contained++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	deadline := time.Now().Add(30 * time.Second)
	during := measure(calls, func() bool { // at least three hostile calls overlap the measurement
		mu.Lock()
		defer mu.Unlock()
		return evilCalls >= 3 || time.Now().After(deadline)
	})
	close(stop)
	wg.Wait()
	if evilCalls < 2 || contained != evilCalls {
		t.Fatalf("hostile calls: %d, contained: %d", evilCalls, contained)
	}
	floor := max(alone, 50*time.Microsecond)
	if during > 20*floor {
		t.Fatalf("neighbour median %v under attack vs %v alone", during, alone)
	}
	t.Logf("neighbour median: alone %v, during attack %v (%d hostile calls, all stopped)", alone, during, evilCalls)
}

func hostsTenant(s string) core.TenantID { return core.TenantID(s) }
