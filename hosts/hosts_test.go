package hosts_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/inproc"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

func newDispatcher(t *testing.T, loader hosts.Loader, insts ...hosts.Installation) (*hosts.Dispatcher, *hosts.LogBook) {
	t.Helper()
	book := hosts.NewLogBook(50, slog.New(slog.DiscardHandler))
	d := hosts.NewDispatcher(hosts.DispatcherConfig{Resolver: hosts.NewStaticResolver(insts...), Loader: loader, Logs: book,
		Breaker: hosts.BreakerPolicy{Faults: 3, Window: time.Minute, Cooldown: 50 * time.Millisecond, MaxOpen: time.Second}},
		slog.New(slog.DiscardHandler))
	t.Cleanup(d.Close)
	return d, book
}

func scorer(delta int64, reason string) inproc.Plugin {
	return inproc.Plugin{abi.HookClickScore: inproc.Typed(func(_ context.Context, _ hosts.Installation, in hook.ClickInput) (hook.ClickScore, error) {
		return hook.ClickScore{Score: in.BuiltinScore + delta, Reasons: append(in.BuiltinReasons, reason)}, nil
	})}
}

func TestScoreClick_ChainAndFailOpen(t *testing.T) {
	l := inproc.NewLoader()
	l.Register("minus10", scorer(-10, "minus10"))
	l.Register("boom", inproc.Plugin{abi.HookClickScore: func(context.Context, hosts.Installation, []byte) ([]byte, error) { panic("bad plugin") }})
	l.Register("minus200", scorer(-200, "floor"))
	insts := []hosts.Installation{
		{ID: "i1", Tenant: "t1", PluginID: "minus10", Hooks: []string{abi.HookClickScore}, Priority: 1},
		{ID: "i2", Tenant: "t1", PluginID: "boom", Hooks: []string{abi.HookClickScore}, Priority: 2},
		{ID: "i3", Tenant: "t2", PluginID: "minus200", Hooks: []string{abi.HookClickScore}},
	}
	d, book := newDispatcher(t, l, insts...)
	h := hosts.NewHooks(d)
	h.ClickDeadline = time.Second // loading happens in the background on first use
	ctx := context.Background()

	got := h.ScoreClick(ctx, "t1", hook.ClickInput{BuiltinScore: 90, BuiltinReasons: []string{"builtin"}})
	if got.Score != 80 || !slices.Equal(got.Reasons, []string{"builtin", "minus10", "plugin_unavailable:boom"}) {
		t.Fatalf("chain: %+v", got)
	}
	if logs := book.Recent("t1", "i2", slog.LevelWarn); len(logs) == 0 || !strings.Contains(logs[0].Message, "bad plugin") {
		t.Fatalf("panic not in the plugin log: %+v", logs)
	}
	if got := h.ScoreClick(ctx, "t2", hook.ClickInput{BuiltinScore: 50}); got.Score != 0 {
		t.Fatalf("clamp: %+v", got)
	}
	if got := h.ScoreClick(ctx, "t3", hook.ClickInput{BuiltinScore: 70}); got.Score != 70 || len(got.Reasons) != 0 {
		t.Fatalf("no plugin: %+v", got)
	}
}

func TestMoneyHooksFailClosed(t *testing.T) {
	l := inproc.NewLoader()
	var calls atomic.Int32
	l.Register("flaky", inproc.Plugin{abi.HookCommission: func(context.Context, hosts.Installation, []byte) ([]byte, error) {
		calls.Add(1)
		panic("crash")
	}})
	d, _ := newDispatcher(t, l, hosts.Installation{ID: "i1", Tenant: "t1", PluginID: "flaky", Hooks: []string{abi.HookCommission}})
	h := hosts.NewHooks(d)
	ctx := context.Background()
	_ = d.Warm(ctx, hosts.Installation{ID: "i1", Tenant: "t1", PluginID: "flaky", Hooks: []string{abi.HookCommission}})
	for i := 0; i < 3; i++ {
		if _, err := h.Commission(ctx, "t1", hook.CommissionInput{}); err == nil {
			t.Fatal("commission error swallowed")
		}
	}
	_, err := h.Commission(ctx, "t1", hook.CommissionInput{})
	var ce *hosts.CallError
	if !errors.As(err, &ce) || ce.Code != abi.HostCircuitOpen || !hosts.Retryable(err) {
		t.Fatalf("breaker not open: %v", err)
	}
	if calls.Load() != 3 {
		t.Fatalf("plugin called %d times with the breaker open", calls.Load())
	}
	time.Sleep(60 * time.Millisecond) // half-open: one trial call goes through
	_, _ = h.Commission(ctx, "t1", hook.CommissionInput{})
	if calls.Load() != 4 {
		t.Fatalf("no half-open trial: %d calls", calls.Load())
	}
	if _, err := h.Commission(ctx, "t2", hook.CommissionInput{}); !errors.Is(err, hosts.ErrNoPlugin) {
		t.Fatalf("no plugin: %v", err)
	}
}

func TestInputLimit(t *testing.T) {
	l := inproc.NewLoader()
	l.Register("p", scorer(0, "x"))
	d, _ := newDispatcher(t, l, hosts.Installation{ID: "i1", Tenant: "t1", PluginID: "p", Hooks: []string{abi.HookClickScore}})
	_, err := d.Call(context.Background(), "t1", abi.HookClickScore, make([]byte, 17<<10))
	var ce *hosts.CallError
	if !errors.As(err, &ce) || ce.Code != abi.HostInputLimit {
		t.Fatalf("got %v", err)
	}
}
