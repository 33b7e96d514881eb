package main

import (
	"context"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/hosts/inproc"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/clickscore/score"
	"github.com/affcore/affcore/plugins/commission/model"
	"github.com/affcore/affcore/plugins/postback/format"
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
	l.RegisterFactory("affcore.commission", model.Version, func(hosts.Installation) (inproc.Plugin, error) {
		return inproc.Plugin{abi.HookCommission: inproc.Typed(func(_ context.Context, _ hosts.Installation, in hook.CommissionInput) (hook.CommissionResult, error) {
			return model.Hook(in)
		})}, nil
	})
	l.RegisterFactory("affcore.postback-format", format.Version, func(hosts.Installation) (inproc.Plugin, error) {
		return inproc.Plugin{abi.HookPostbackFormat: inproc.Typed(func(_ context.Context, _ hosts.Installation, in hook.PostbackInput) (hook.HTTPRequest, error) {
			return format.Hook(in)
		})}, nil
	})
	return l
}
