package bus_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/bus"
	"github.com/affcore/affcore/hosts/inproc"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// tcpBus starts an embedded NATS with a loopback TCP listener and returns it
// with a second, TCP connection (as a remote host would have).
func tcpBus(t testing.TB) (*natsbus.Bus, *nats.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b, err := natsbus.Open(context.Background(), natsbus.Config{StoreDir: t.TempDir(), Listen: addr, Name: "test"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	nc, err := nats.Connect(b.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return b, nc
}

func scorer(delta int64) inproc.Plugin {
	return inproc.Plugin{abi.HookClickScore: inproc.Typed(func(_ context.Context, _ hosts.Installation, in hook.ClickInput) (hook.ClickScore, error) {
		return hook.ClickScore{Score: in.BuiltinScore + delta}, nil
	})}
}

func dispatcher(t testing.TB, tenant core.TenantID, delta int64) *hosts.Dispatcher {
	l := inproc.NewLoader()
	l.Register("p", scorer(delta))
	d := hosts.NewDispatcher(hosts.DispatcherConfig{Resolver: hosts.NewStaticResolver(hosts.Installation{ID: "i-" + string(tenant), Tenant: tenant, PluginID: "p", Hooks: []string{abi.HookClickScore}}), Loader: l},
		slog.New(slog.DiscardHandler))
	t.Cleanup(d.Close)
	return d
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 300 && !cond(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !cond() {
		t.Fatal("condition not reached")
	}
}

func TestRouter_DedicatedHost(t *testing.T) {
	b, remoteConn := tcpBus(t)
	// The core serves everyone locally with +1; the dedicated host of ten_big adds 10.
	router, err := bus.NewRouter(b.Conn, dispatcher(t, "ten_big", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer router.Close()
	hooks := hosts.NewHooks(router)
	hooks.ClickDeadline = time.Second
	ctx := context.Background()
	if got := hooks.ScoreClick(ctx, "ten_big", hook.ClickInput{BuiltinScore: 50}); got.Score != 51 {
		t.Fatalf("before the dedicated host: %+v", got)
	}
	h, err := bus.Serve(remoteConn, "ten_big", dispatcher(t, "ten_big", 10), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return router.Dedicated("ten_big") })
	if got := hooks.ScoreClick(ctx, "ten_big", hook.ClickInput{BuiltinScore: 50}); got.Score != 60 {
		t.Fatalf("through the dedicated host: %+v", got)
	}
	if router.Dedicated("ten_small") {
		t.Fatal("other tenants must stay local")
	}
	// Errors cross the bus with their code.
	_, err = router.Call(ctx, "ten_big", abi.HookCommission, hook.CommissionInput{}.AppendMsg(nil))
	if !errors.Is(err, hosts.ErrNoPlugin) {
		t.Fatalf("no plugin over the bus: %v", err)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return !router.Dedicated("ten_big") })
	if got := hooks.ScoreClick(ctx, "ten_big", hook.ClickInput{BuiltinScore: 50}); got.Score != 51 {
		t.Fatalf("after the host stopped: %+v", got)
	}
}

// source is an in-memory hosts.Source.
type source struct {
	rts      []plugin.Runtime
	artifact []byte
}

func (s source) Runtime(_ context.Context, tenant core.TenantID) ([]plugin.Runtime, error) {
	if tenant == "ten_err" {
		return nil, errors.New("database down")
	}
	return s.rts, nil
}

func (s source) Artifact(_ context.Context, sha string) ([]byte, error) {
	if sha != "abc" {
		return nil, errors.New("no such artifact")
	}
	return s.artifact, nil
}

func TestRegistryOverTheBus(t *testing.T) {
	b, remoteConn := tcpBus(t)
	big := make([]byte, 3<<20+123)
	for i := range big {
		big[i] = byte(i * 7)
	}
	src := source{rts: []plugin.Runtime{{InstallationID: "pin_1", PluginID: "p", Secrets: map[string]string{"k": "v"}}}, artifact: big}
	stop, err := bus.ServeRegistry(b.Conn, src)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rs := bus.NewRemoteSource(remoteConn)
	ctx := context.Background()
	rts, err := rs.Runtime(ctx, "ten_a")
	if err != nil || len(rts) != 1 || rts[0].Secrets["k"] != "v" {
		t.Fatalf("runtime: %+v %v", rts, err)
	}
	if _, err := rs.Runtime(ctx, "ten_err"); err == nil {
		t.Fatal("error lost")
	}
	got, err := rs.Artifact(ctx, "abc")
	if err != nil || len(got) != len(big) || got[len(got)-1] != big[len(big)-1] {
		t.Fatalf("artifact: %d bytes, %v", len(got), err)
	}
	var seen atomic.Int32
	cancel, err := bus.OnChange(remoteConn, func(tenant core.TenantID, id string) {
		if tenant == "ten_a" && id == "pin_1" {
			seen.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	_ = remoteConn.Flush()
	if err := bus.NewNotifier(b.Conn).InstallationChanged(ctx, "ten_a", "pin_1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return seen.Load() == 1 })
}

func TestKV_ScopedPerTenantAndPlugin(t *testing.T) {
	b, _ := tcpBus(t)
	ctx := context.Background()
	kv, err := bus.NewKV(ctx, b.JS)
	if err != nil {
		t.Fatal(err)
	}
	if err := kv.Put(ctx, "ten_a", "spy", "k", []byte("A"), 0); err != nil {
		t.Fatal(err)
	}
	for _, probe := range []struct {
		tenant core.TenantID
		plugin string
		key    string
	}{{"ten_b", "spy", "k"}, {"ten_a", "other", "k"}, {"ten_a", "spy", "*"}, {"ten_a", "spy", ">"}, {"ten_a", "spy.k", "k"}, {"ten_a", "spy", ""}} {
		if _, err := kv.Get(ctx, probe.tenant, probe.plugin, probe.key); !errors.Is(err, hosts.ErrKeyNotFound) {
			t.Errorf("%+v reached tenant A's key: %v", probe, err)
		}
	}
	if v, err := kv.Get(ctx, "ten_a", "spy", "k"); err != nil || string(v) != "A" {
		t.Fatalf("own key: %q %v", v, err)
	}
	_ = kv.Put(ctx, "ten_a", "spy", "short", []byte("x"), time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if _, err := kv.Get(ctx, "ten_a", "spy", "short"); !errors.Is(err, hosts.ErrKeyNotFound) {
		t.Fatalf("expired key: %v", err)
	}
}

// BenchmarkRemoteCall is a click-scoring call to a dedicated host over NATS
// on loopback TCP (request-reply through the server). Goal p50 ≤ 200 µs.
func BenchmarkRemoteCall(b *testing.B) {
	nb, remoteConn := tcpBus(b)
	h, err := bus.Serve(remoteConn, "ten_big", dispatcher(b, "ten_big", 1), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer h.Stop()
	client, err := nats.Connect(nb.ClientURL())
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	remote := bus.NewRemote(client)
	in := hook.ClickInput{BuiltinScore: 50}.AppendMsg(nil)
	ctx := context.Background()
	if _, err := remote.Call(ctx, "ten_big", abi.HookClickScore, in); err != nil { // load the plugin
		b.Fatal(err)
	}
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := remote.Call(ctx, "ten_big", abi.HookClickScore, in); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "p99-µs")
}

func TestLogsOverTheBus(t *testing.T) {
	b, remoteConn := tcpBus(t)
	book := hosts.NewLogBook(10, slog.New(slog.DiscardHandler))
	stop, err := bus.FeedLogs(b.Conn, book)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	bus.NewLogPublisher(remoteConn).Write(hosts.LogEntry{Tenant: "ten_a", Installation: "pin_1", PluginID: "p", Message: "hello from a dedicated host"})
	waitFor(t, func() bool { return len(book.Recent("ten_a", "pin_1", slog.LevelDebug)) == 1 })
	if got := book.Recent("ten_b", "pin_1", slog.LevelDebug); len(got) != 0 {
		t.Fatalf("another tenant sees the line: %+v", got)
	}
}
