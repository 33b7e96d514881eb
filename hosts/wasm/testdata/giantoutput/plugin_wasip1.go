// Command giantoutput answers with far more than the output limit.
package main

import (
	"strings"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func flood(hook.ClickInput) (hook.ClickScore, error) {
	reason := strings.Repeat("x", 1<<10)
	out := hook.ClickScore{Score: 50}
	for i := 0; i < 1024; i++ {
		out.Reasons = append(out.Reasons, reason)
	}
	return out, nil
}

var hookClickScoreHandler = pdk.NewHandler(flood)

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 { return hookClickScoreHandler.Serve(n) }

func main() {}
