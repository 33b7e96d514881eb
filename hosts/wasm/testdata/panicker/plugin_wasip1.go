// Command panicker panics in its hook, after logging a line.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func crash(in hook.CommissionInput) (hook.CommissionResult, error) {
	pdk.Log(pdk.LevelInfo, "about to index out of range")
	var terms []string
	return hook.CommissionResult{Amounts: []hook.Amount{{Memo: terms[len(in.Terms.Model)+3]}}}, nil
}

var hookCommissionHandler = pdk.NewHandler(crash)

//go:wasmexport hook_commission
func hookCommission(n uint32) uint64 { return hookCommissionHandler.Serve(n) }

func main() {}
