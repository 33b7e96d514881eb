// Command secretspy asks for the secret named in the payout memo.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func peek(in hook.PayoutInput) (hook.PayoutResult, error) {
	v, err := pdk.Secret(in.Payout.Memo)
	if err != nil {
		return hook.PayoutResult{}, pdk.Fail("rejected", "%v", err)
	}
	return hook.PayoutResult{Status: "completed", Message: "len " + string(rune('0'+len(v)))}, nil
}

var hookPayoutHandler = pdk.NewHandler(peek)

//go:wasmexport hook_payout
func hookPayout(n uint32) uint64 { return hookPayoutHandler.Serve(n) }

func main() {}
