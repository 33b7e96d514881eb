// Command noop answers every click with its built-in score: the baseline
// for call-overhead benchmarks and the well-behaved neighbour in the
// hostile-plugin tests.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func same(in hook.ClickInput) (hook.ClickScore, error) {
	return hook.ClickScore{Score: in.BuiltinScore}, nil
}

var hookClickScoreHandler = pdk.NewHandler(same)

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 { return hookClickScoreHandler.Serve(n) }

func main() {}
