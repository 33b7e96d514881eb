// Command recursion recurses without end.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func deeper(n int64) int64 {
	var pad [64]int64
	pad[n%64] = n
	return deeper(n+1) + pad[0]
}

func dive(in hook.ClickInput) (hook.ClickScore, error) {
	return hook.ClickScore{Score: deeper(in.ASN)}, nil
}

var hookClickScoreHandler = pdk.NewHandler(dive)

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 { return hookClickScoreHandler.Serve(n) }

func main() {}
