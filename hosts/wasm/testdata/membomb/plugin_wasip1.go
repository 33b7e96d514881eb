// Command membomb allocates until memory runs out.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

var hoard [][]byte

func eat(hook.ClickInput) (hook.ClickScore, error) {
	for {
		hoard = append(hoard, make([]byte, 4<<20))
	}
}

var hookClickScoreHandler = pdk.NewHandler(eat)

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 { return hookClickScoreHandler.Serve(n) }

func main() {}
