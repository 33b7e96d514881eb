// Command loop never returns from its hook.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

var sink int

func spin(hook.ClickInput) (hook.ClickScore, error) {
	for i := 0; ; i++ {
		sink = i
	}
}

var hookClickScoreHandler = pdk.NewHandler(spin)

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 { return hookClickScoreHandler.Serve(n) }

func main() {}
