package wasm

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

func BenchmarkInternalBreakdown(b *testing.B) {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "affcore-wasm-build", "noop-*.wasm"))
	art, _ := os.ReadFile(matches[0])
	lim := func(c hosts.Class) hosts.Limits { l := hosts.DefaultLimits(c); l.Timeout = time.Second; return l }
	e, _ := NewEngine(context.Background(), Config{Limits: lim}, slog.New(slog.DiscardHandler))
	defer e.Close(context.Background())
	hp, err := e.Load(context.Background(), hosts.Installation{ID: "x", PluginID: "noop", Hooks: []string{abi.HookClickScore}, Artifact: art})
	if err != nil {
		b.Fatal(err)
	}
	p := hp.(*plugin)
	in := hook.ClickInput{BuiltinScore: 5}.AppendMsg(nil)
	ctx := context.Background()
	b.Run("pool", func(b *testing.B) {
		for b.Loop() {
			if _, err := p.Call(ctx, abi.HookClickScore, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	inst := <-p.idle
	b.Run("instance-bg", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := inst.call(ctx, abi.HookClickScore, in, lim(0)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-hook-bg", func(b *testing.B) {
		fn := inst.hooks[abi.HookClickScore]
		_ = inst.reserve(ctx, uint32(len(in)))
		inst.mod.Memory().Write(inst.inPtr, in)
		for b.Loop() {
			inst.stack[0] = uint64(len(in))
			if err := fn.CallWithStack(ctx, inst.stack); err != nil {
				b.Fatal(err)
			}
		}
	})
	p.idle <- inst
}
