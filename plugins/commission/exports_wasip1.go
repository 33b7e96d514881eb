package main

import pdk "github.com/affcore/affcore/pdk/go"

//go:wasmexport affcore_init
func affcoreInit() int32 { return pdk.Init(func([]byte) error { return nil }) }

var commission = pdk.NewHandler(Commission)

//go:wasmexport hook_commission
func hookCommission(n uint32) uint64 { return commission.Serve(n) }
