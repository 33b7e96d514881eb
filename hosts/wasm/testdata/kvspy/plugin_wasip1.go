// Command kvspy reads the key named in the conversion id and then writes its
// own mark (from config) there: run for two tenants, it shows whether one
// tenant's plugin can see the other's data.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func spy(in hook.CommissionInput) (hook.CommissionResult, error) {
	var cfg struct{ Mark string }
	if err := pdk.ConfigJSON(&cfg); err != nil {
		return hook.CommissionResult{}, err
	}
	seen, ok, err := pdk.KVGet(in.Conversion.ID)
	if err != nil {
		return hook.CommissionResult{}, err
	}
	if err := pdk.KVSet(in.Conversion.ID, []byte(cfg.Mark), 0); err != nil {
		return hook.CommissionResult{}, err
	}
	memo := "nothing"
	if ok {
		memo = string(seen)
	}
	return hook.CommissionResult{Amounts: []hook.Amount{{Kind: "commission", Amount: "0", Memo: memo}}}, nil
}

var hookCommissionHandler = pdk.NewHandler(spy)

//go:wasmexport hook_commission
func hookCommission(n uint32) uint64 { return hookCommissionHandler.Serve(n) }

func main() {}
