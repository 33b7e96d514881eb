package hosts

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affcore/affcore/pdk/go/abi"
)

// flakyLoader fails its first load (an artifact fetch that timed out), then works.
type flakyLoader struct{ loads atomic.Int32 }

func (l *flakyLoader) Load(context.Context, Installation) (Plugin, error) {
	if l.loads.Add(1) == 1 {
		return nil, errors.New("fetch artifact: timeout")
	}
	return okPlugin{}, nil
}

type okPlugin struct{}

func (okPlugin) Call(context.Context, string, []byte) ([]byte, error) { return []byte{0x80}, nil }
func (okPlugin) Close(context.Context) error                          { return nil }

func TestDispatcher_RetriesAFailedLoad(t *testing.T) {
	inst := Installation{ID: "i1", Tenant: "t1", PluginID: "p", Hooks: []string{abi.HookCommission}}
	l := &flakyLoader{}
	d := NewDispatcher(DispatcherConfig{Resolver: NewStaticResolver(inst), Loader: l}, slog.New(slog.DiscardHandler))
	defer d.Close()
	now := time.Now()
	d.now = func() time.Time { return now }
	ctx := context.Background()
	_ = d.Warm(ctx, inst)
	if _, err := d.Call(ctx, "t1", abi.HookCommission, nil); err == nil {
		t.Fatal("first load should have failed")
	}
	if _, err := d.Call(ctx, "t1", abi.HookCommission, nil); err == nil || l.loads.Load() != 1 {
		t.Fatalf("a failed load is remembered for a while: %v, %d loads", err, l.loads.Load())
	}
	now = now.Add(reloadAfter + time.Second)
	_ = d.Warm(ctx, inst)
	if _, err := d.Call(ctx, "t1", abi.HookCommission, nil); err != nil || l.loads.Load() != 2 {
		t.Fatalf("the load was not retried: %v, %d loads", err, l.loads.Load())
	}
}
