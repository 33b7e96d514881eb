// Command netspy sends an HTTP request to the URL in the payout address,
// to probe the host's outbound rules (allow-list, https, private addresses).
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
)

func probe(in hook.PayoutInput) (hook.PayoutResult, error) {
	res, err := pdk.HTTP(hook.HTTPRequest{Method: "GET", URL: in.Payout.Address})
	if err != nil {
		return hook.PayoutResult{}, pdk.Fail("rejected", "%v", err)
	}
	return hook.PayoutResult{Status: "completed", Message: string(res.Body)}, nil
}

var hookPayoutHandler = pdk.NewHandler(probe)

//go:wasmexport hook_payout
func hookPayout(n uint32) uint64 { return hookPayoutHandler.Serve(n) }

func main() {}
