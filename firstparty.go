package main

import (
	"context"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/inproc"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/clickscore/score"
)

// firstParty registers the first-party plugins whose code is compiled into
// this binary, so installations of exactly that version run in process
// (microseconds per call, no Wasm sandbox cost) while any other version, and
// every tenant plugin, runs in Wasm. The same code is the .wasm plugin built
// by `make plugins`.
func firstParty() *inproc.Loader {
	l := inproc.NewLoader()
	l.RegisterFactory("affcore.clickscore", score.Version, func(inst hosts.Installation) (inproc.Plugin, error) {
		s, err := score.New(inst.Config)
		if err != nil {
			return nil, err
		}
		return inproc.Plugin{abi.HookClickScore: inproc.Typed(func(_ context.Context, _ hosts.Installation, in hook.ClickInput) (hook.ClickScore, error) {
			return s.Score(in), nil
		})}, nil
	})
	return l
}
